using OrderMonitoring.Cmdlets.Foundation;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;
using Names = OrderMonitoring.Processor.Template.TemplateContract.Parameters;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// Checks the signing keys a deployment passes in (-DigestSigningKeyArn, -RepairSigningKeyArn) before anything changes,
/// also under -WhatIf: each must be an enabled ECC_NIST_P256 SIGN_VERIFY key (kms:DescribeKey), and the two roles must
/// never share a key, or the processor could sign repairs and an auditor could no longer tell them apart. A key the
/// stack already uses is not described again: a key disabled since must not block the deployment that fixes things.
/// </summary>
internal sealed class SigningKeyCheck
{
    private readonly ISigningKeyStore _keys;

    public SigningKeyCheck(ISigningKeyStore keys) => _keys = keys;

    public async Task CheckAsync(DeployRequest request, CfnStack? updating, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var digest = Effective(request.DigestSigningKeyArn, updating, Names.DigestSigningKeyArn, TemplateContract.Outputs.DigestSigningKeyArn);
        var repair = Effective(request.RepairSigningKeyArn, updating, Names.RepairSigningKeyArn, TemplateContract.Outputs.RepairSigningKeyArn);
        if (digest.Length > 0 && string.Equals(digest, repair, StringComparison.OrdinalIgnoreCase))
        {
            throw new OrderMonitoringException(SigningKeyErrors.NotSeparate, FailureKind.InvalidArgument,
                $"The digest and the repair signing key would both be {digest}: the processor may sign with the digest key, so it could sign repair records too, "
                + "and an auditor could no longer tell processor history from operator repairs.",
                "Pass two different keys, or omit one parameter so the stack creates its own key for that role.");
        }

        await CheckRequestedAsync(request.DigestSigningKeyArn, SigningKeyRoles.Digest, reporter, cancellationToken).ConfigureAwait(false);
        await CheckRequestedAsync(request.RepairSigningKeyArn, SigningKeyRoles.Repair, reporter, cancellationToken).ConfigureAwait(false);
        if (updating is not null && request.DigestSigningKeyArn is { } requested
            && Effective(null, updating, Names.DigestSigningKeyArn, TemplateContract.Outputs.DigestSigningKeyArn) is { Length: > 0 } current
            && !string.Equals(current, requested, StringComparison.OrdinalIgnoreCase))
        {
            reporter.Warning($"Digests written from now on are signed by {(requested.Length > 0 ? requested : "a new key the stack creates")}; those written before stay signed by {current}. "
                + "Keep that key (it is not deleted) and its public key (Export-OrderAuditSigningKey before the switch) to verify the earlier digests.");
        }
    }

    /// <summary>The key a role will have: the requested one, else the stack's parameter, else the stack's own key (its output); "" when none is known.</summary>
    private static string Effective(string? requested, CfnStack? updating, string parameter, string output) =>
        requested
        ?? (updating?.Parameters.FirstOrDefault(p => p.ParameterKey == parameter)?.ParameterValue is { Length: > 0 } passed ? passed : null)
        ?? updating?.Outputs.FirstOrDefault(o => o.OutputKey == output)?.OutputValue
        ?? "";

    private async Task CheckRequestedAsync(string? keyArn, string role, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(keyArn))
        {
            return;
        }

        var key = await _keys.DescribeSigningKeyAsync(keyArn!, role, cancellationToken).ConfigureAwait(false);
        reporter.Verbose($"{role} signing key {key.Arn}: {key.KeySpec}, {key.KeyUsage}, {key.KeyState}.");
    }
}
