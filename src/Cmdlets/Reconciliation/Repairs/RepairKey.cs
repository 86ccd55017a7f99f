using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Reconciliation.Repairs;

/// <summary>Who is calling AWS (STS GetCallerIdentity in production, a fixed ARN in tests).</summary>
internal interface ICallerIdentity
{
    /// <summary>The caller's ARN: the user or assumed role that makes the repair.</summary>
    Task<string> GetCallerArnAsync(CancellationToken cancellationToken);
}

/// <summary>Builds the signer of a KMS key (KMS in production, a local key in tests).</summary>
internal delegate IDigestSigner RepairSignerFactory(string keyArn);

/// <summary>
/// The repair key and the caller, proven before the first change: a repair whose record cannot be signed would look
/// exactly like tampering, so the repair is refused (RepairKeyUnusable) while nothing has been changed yet. Signs the
/// records afterwards.
/// </summary>
internal sealed class RepairKey
{
    public const string UnusableErrorId = "RepairKeyUnusable";

    // Proves kms:Sign works with the key; KMS keeps no record of the message, and it can be nothing else's signature.
    private const string ProbeStatement = "order-monitoring-repair-probe-v1:";

    private readonly IDigestSigner _signer;

    private RepairKey(IDigestSigner signer, string callerArn)
    {
        _signer = signer;
        CallerArn = callerArn;
    }

    /// <summary>Who repairs (written into every record).</summary>
    public string CallerArn { get; }

    /// <summary>The key that signs.</summary>
    public string KeyId => _signer.KeyId;

    /// <summary>
    /// Asks STS who is calling and signs a probe with <paramref name="keyArn"/>; throws an
    /// <see cref="OrderMonitoringException"/> (<see cref="UnusableErrorId"/>) when there is no key or it cannot sign.
    /// </summary>
    public static async Task<RepairKey> OpenAsync(string? keyArn, string stackName, RepairSignerFactory signerFor, ICallerIdentity caller,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(keyArn))
        {
            throw new OrderMonitoringException(UnusableErrorId, FailureKind.InvalidState,
                $"Stack {stackName} names no repair signing key, so a repair could not be signed; nothing was changed.",
                "Update the stack (New-OrderMonitoringStack) so it has a RepairSigningKeyArn output, then repair again.");
        }

        var callerArn = await caller.GetCallerArnAsync(cancellationToken).ConfigureAwait(false);
        var signer = signerFor(keyArn!);
        try
        {
            await signer.SignAsync(Utf8(ProbeStatement + callerArn), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failed) when (failed is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new OrderMonitoringException(UnusableErrorId, KindOf(failed),
                $"The repair signing key {keyArn} cannot sign for {callerArn} ({failed.Message}); an unsigned repair would be indistinguishable from tampering, so nothing was changed.",
                "Use credentials allowed kms:Sign on the stack's repair key (an ECC_NIST_P256 SIGN_VERIFY key; the processor's role is denied it on purpose), "
                + "or deploy the stack with a RepairSigningKeyArn that names such a key.", failed);
        }

        return new RepairKey(signer, callerArn);
    }

    /// <summary>
    /// <paramref name="record"/> signed; when signing fails now (after the probe succeeded: throttled, the key just
    /// disabled) the record says why it is unsigned, and <paramref name="failure"/> carries the error to report.
    /// </summary>
    public async Task<(RepairRecord Record, Exception? Failure)> SignAsync(RepairRecord record, CancellationToken cancellationToken)
    {
        var unsigned = record with { Signature = null, Unsigned = null };
        try
        {
            var signature = await _signer.SignAsync(unsigned.SigningMessage(), cancellationToken).ConfigureAwait(false);
            return (unsigned with { Signature = new DigestSignature(_signer.KeyId, DigestDocument.SigningAlgorithm, Convert.ToBase64String(signature)) }, null);
        }
        catch (Exception failed) when (failed is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = $"signing with {_signer.KeyId} failed: {failed.Message}";
            return (unsigned with { Unsigned = reason }, new OrderMonitoringException("RepairRecordUnsigned", FailureKind.OperationFailed,
                $"The repair of {record.Key} was made, but its repair record {record.StorageKey} could not be signed ({failed.Message}); it is stored unsigned.",
                "Check kms:Sign on the repair key; until a signed record vouches for the repair, the check may report it.", failed));
        }
    }

    private static FailureKind KindOf(Exception failed) =>
        failed is Amazon.Runtime.AmazonServiceException { ErrorCode: "AccessDeniedException" } || failed.Message.IndexOf("not authorized", StringComparison.OrdinalIgnoreCase) >= 0
            ? FailureKind.PermissionDenied
            : FailureKind.InvalidState;

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
