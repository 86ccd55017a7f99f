namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>
/// The quarantine area of each audit bucket, listed and read once and then shared by every order a cmdlet invocation
/// asks for: the area is listed whole (a record there may lack a usable order id), so reading it per order would
/// repeat the same listing and reads for every order in the pipeline.
/// </summary>
internal sealed class QuarantineCache
{
    private readonly Dictionary<string, IReadOnlyList<AuditEntry>> _byBucket = new(StringComparer.Ordinal);

    /// <summary>The quarantined records of <paramref name="orderId"/>, reading the bucket's quarantine area on first use.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ForOrderAsync(AuditLogReader reader, string bucketName, string orderId, CancellationToken cancellationToken)
    {
        // Calls come one at a time from the cmdlet's pipeline thread (each awaited before the next), so no lock is needed.
        if (!_byBucket.TryGetValue(bucketName, out var all))
        {
            all = await reader.ReadQuarantineAsync(bucketName, orderIds: null, cancellationToken).ConfigureAwait(false);
            _byBucket[bucketName] = all;
        }

        return all.Where(entry => string.Equals(entry.Record?.OrderId, orderId, StringComparison.Ordinal)).ToList();
    }
}
