'use strict';
// Runs cdk-nag's AWS Solutions and PCI DSS 3.2.1 rule packs over a plain CloudFormation template (through
// CfnInclude), applies the acknowledgements file, and prints one JSON document on stdout: every finding (acknowledged
// or not) and every acknowledgement that matched no finding. The caller (an xunit test) judges the result, so the
// exit code is non-zero only when the check itself could not run.
//
//   node check-template.js <template.json> <acknowledgements.json>

const fs = require('fs');
const os = require('os');
const path = require('path');
const { App, Stack, Validations } = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { AwsSolutionsChecks, PCIDSS321Checks } = require('cdk-nag');

const PACKS = ['AwsSolutions', 'PCI.DSS.321'];
const STACK = 'OrderMonitoring';
const INCLUDE = 'Template';

function main(templatePath, acknowledgementsPath) {
  if (!templatePath || !acknowledgementsPath) {
    throw new Error('usage: node check-template.js <template.json> <acknowledgements.json>');
  }
  const acknowledgements = readAcknowledgements(acknowledgementsPath);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-monitoring-nag-'));
  try {
    const report = synthesize(path.resolve(templatePath), acknowledgements, outdir);
    return summarize(report, acknowledgements);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function readAcknowledgements(file) {
  const entries = JSON.parse(fs.readFileSync(file, 'utf8')).acknowledgements;
  if (!Array.isArray(entries)) {
    throw new Error(`${file} has no "acknowledgements" array.`);
  }
  for (const entry of entries) {
    for (const field of ['pack', 'rule', 'resource', 'reason']) {
      if (typeof entry[field] !== 'string' || entry[field].trim() === '') {
        throw new Error(`An acknowledgement in ${file} has no ${field}: ${JSON.stringify(entry)}`);
      }
    }
    if (!PACKS.includes(entry.pack)) {
      throw new Error(`An acknowledgement in ${file} names the pack '${entry.pack}'; the packs checked are ${PACKS.join(', ')}.`);
    }
  }
  return entries;
}

function synthesize(templateFile, acknowledgements, outdir) {
  const app = new App({ outdir, context: { '@aws-cdk/core:validationReportJson': true } });
  const stack = new Stack(app, STACK);
  const template = new CfnInclude(stack, INCLUDE, { templateFile });
  for (const ack of acknowledgements) {
    const resource = tryGetResource(template, ack.resource);
    if (resource) {
      // The pack-qualified id goes through CDK's own acknowledgement, so the report names it and its reason.
      Validations.of(resource).acknowledge({ id: `${ack.pack}::${ack.rule}`, reason: ack.reason });
    }
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new PCIDSS321Checks(app));
  try {
    app.synth();
  } catch (error) {
    // Unacknowledged findings make synth throw "Validation failed"; the report is written first.
    if (!fs.existsSync(path.join(outdir, 'validation-report.json'))) {
      throw error;
    }
  }
  const reportFile = path.join(outdir, 'validation-report.json');
  return fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
}

function tryGetResource(template, logicalId) {
  try {
    return template.getResource(logicalId);
  } catch {
    return undefined;
  }
}

function logicalIdOf(constructPath) {
  const prefix = `${STACK}/${INCLUDE}/`;
  return constructPath.startsWith(prefix) ? constructPath.slice(prefix.length) : constructPath;
}

function findingsOf(violations, pack, acknowledged) {
  const findings = [];
  for (const violation of violations ?? []) {
    for (const construct of violation.violatingConstructs ?? []) {
      findings.push({
        pack,
        rule: violation.ruleName,
        resource: logicalIdOf(construct.constructPath),
        severity: violation.severity,
        description: violation.description,
        acknowledged,
        reason: acknowledged ? violation.reason : undefined,
        acknowledgedId: acknowledged ? violation.acknowledgedId : undefined,
        acknowledgedAt: acknowledged ? logicalIdOf(violation.acknowledgedAt ?? '') : undefined,
      });
    }
  }
  return findings;
}

function summarize(report, acknowledgements) {
  const findings = [];
  const pluginErrors = [];
  for (const plugin of report.pluginReports ?? []) {
    if (!PACKS.includes(plugin.pluginName)) {
      continue; // CDK's own template validation: cfn-lint is the reference for that.
    }
    if (plugin.conclusion === 'failure' && (plugin.violations ?? []).length === 0 && plugin.metadata?.error) {
      pluginErrors.push(`${plugin.pluginName}: ${plugin.metadata.error}`);
    }
    findings.push(...findingsOf(plugin.violations, plugin.pluginName, false));
    findings.push(...findingsOf(plugin.suppressedViolations, plugin.pluginName, true));
  }
  const unmatched = acknowledgements.filter((ack) => !findings.some((f) =>
    f.acknowledged && f.acknowledgedId === `${ack.pack}::${ack.rule}` && f.acknowledgedAt === ack.resource));
  return { packs: PACKS, findings, unmatchedAcknowledgements: unmatched, pluginErrors };
}

try {
  process.stdout.write(JSON.stringify(main(process.argv[2], process.argv[3]), null, 2) + '\n');
} catch (error) {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 2;
}
