using System.Text;

namespace OrderMonitoring.Template.Tests;

/// <summary>
/// cdk-nag's AWS Solutions and PCI DSS 3.2.1 rule packs over the template (Tests/Compliance/check-template.js): every
/// finding is fixed in the template or acknowledged with its reason in Tests/Compliance/acknowledgements.json, and
/// every acknowledgement still matches a finding, so the file never keeps a stale excuse.
/// </summary>
public sealed class ComplianceRulePackTests(RulePackRun run) : IClassFixture<RulePackRun>
{
    [Theory]
    [InlineData("AwsSolutions")]
    [InlineData("PCI.DSS.321")]
    public void Pack_reports_no_finding_that_is_not_acknowledged(string pack)
    {
        var report = run.Report;
        Assert.True(report.PluginErrors.Count == 0, "cdk-nag could not run a pack:\n" + string.Join("\n", report.PluginErrors));

        var findings = report.Findings.Where(f => f.Pack == pack).ToList();
        // Every pack has acknowledged findings today (they are matched below): none at all means the pack did not run.
        Assert.True(findings.Count > 0, $"cdk-nag reported nothing for {pack}, not even the acknowledged findings: the pack did not run.");

        var open = findings.Where(f => !f.Acknowledged).ToList();
        Assert.True(open.Count == 0, Describe(
            $"{open.Count} {pack} finding(s) are neither fixed in templates/order-monitoring.json nor acknowledged in {RulePackRun.AcknowledgementsFile}:",
            open.Select(f => $"{f.Rule} on {f.Resource} ({f.Pack}, {f.Severity}): {f.Description}")));
    }

    [Fact]
    public void Every_acknowledgement_matches_a_finding_of_today()
    {
        var stale = run.Report.UnmatchedAcknowledgements;
        Assert.True(stale.Count == 0, Describe(
            $"{stale.Count} acknowledgement(s) in {RulePackRun.AcknowledgementsFile} match no finding any more (the template was fixed, or the rule id or resource changed): remove or correct them.",
            stale.Select(a => $"{a.Rule} on {a.Resource} ({a.Pack})")));
    }

    [Fact]
    public void Every_acknowledged_finding_carries_the_reason_from_the_file()
    {
        var acknowledged = run.Report.Findings.Where(f => f.Acknowledged).ToList();
        Assert.NotEmpty(acknowledged);
        Assert.All(acknowledged, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason), $"{f.Rule} on {f.Resource} has no reason."));
    }

    private static string Describe(string heading, IEnumerable<string> lines)
    {
        var text = new StringBuilder(heading);
        foreach (var line in lines)
        {
            text.Append("\n  ").Append(line);
        }

        return text.ToString();
    }
}
