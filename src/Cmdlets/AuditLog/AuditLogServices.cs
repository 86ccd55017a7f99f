using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Orders;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>
/// The audit-log side of the order cmdlets' composition root: the reader and the waiter over the order services'
/// S3 and DynamoDB clients (one set of clients per invocation, disposed by <see cref="OrderServices"/>).
/// </summary>
internal sealed class AuditLogServices
{
    private readonly OrderServices _orders;

    public AuditLogServices(OrderServices orders) => _orders = orders;

    public AuditWaiter Waiter() => new(Store());

    /// <summary>Writes order events and, when asked, waits for their audit objects.</summary>
    public OrderSender Sender() => new(_orders.Writer(), Waiter());

    public AuditLogReader Reader() => new(Store(), _orders.Table());

    private S3AuditObjectStore Store() => new(_orders.S3);

    /// <summary>
    /// The marker that checks records against their digests, built on first use: with the public keys given (PEM files,
    /// Get-OrderAuditLog -PublicKeyPath/-RepairPublicKeyPath: KMS is not asked for those), the others from the stack's
    /// keys (kms:GetPublicKey); null (records unmarked) when the digest key's public key cannot be had.
    /// </summary>
    public Func<CancellationToken, Task<RecordIntegrity?>> Integrity(OrderStackResources stack, DigestVerifier? digestKey = null, DigestVerifier? repairKey = null) =>
        async cancellationToken =>
        {
            // A client only when a key is to come from KMS, so an auditor with both files needs no KMS endpoint at all.
            using var kms = digestKey is null || repairKey is null ? _orders.Clients.CreateKms(TimeSpan.FromSeconds(10)) : null;
            var keys = new KmsPublicKeySource(() => kms!);
            var digests = digestKey ?? await VerifierAsync(keys, stack.DigestSigningKeyArn, cancellationToken).ConfigureAwait(false);
            if (digests is null)
            {
                return null;
            }

            return new RecordIntegrity(new S3VersionedObjects(_orders.S3), new VerificationKeys(digests,
                repairKey ?? await RepairVerifierAsync(keys, stack, fromFile: digestKey is not null, cancellationToken).ConfigureAwait(false)));
        };

    /// <summary>
    /// The repair key from KMS. With the digest key from a file the caller is an auditor who may have no KMS at all
    /// (no permission, no endpoint): then any failure only means no repair record vouches, records are still marked.
    /// </summary>
    private static async Task<DigestVerifier?> RepairVerifierAsync(IPublicKeySource keys, OrderStackResources stack, bool fromFile, CancellationToken cancellationToken)
    {
        try
        {
            return await VerifierAsync(keys, stack.RepairSigningKeyArn, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception unreachable) when (fromFile && unreachable is not OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<DigestVerifier?> VerifierAsync(IPublicKeySource keys, string? keyArn, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(keyArn))
        {
            return null;
        }

        try
        {
            return new DigestVerifier(await keys.GetPublicKeyAsync(keyArn!, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception unusable) when (unusable is Amazon.Runtime.AmazonServiceException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
