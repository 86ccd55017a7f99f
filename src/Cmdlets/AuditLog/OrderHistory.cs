namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>
/// An order's history as Get-OrderAuditLog shows it: its audit objects in stream order, then (when asked) its
/// quarantined records. The quarantine area is read once per bucket for the whole invocation.
/// </summary>
internal sealed class OrderHistory
{
    private readonly QuarantineCache _quarantine = new();

    public OrderHistory(AuditLogReader reader) => Reader = reader;

    public AuditLogReader Reader { get; }

    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string bucketName, string orderId, bool parse, bool includeQuarantined,
        CancellationToken cancellationToken)
    {
        var entries = await Reader.ReadOrderAsync(bucketName, orderId, parse, cancellationToken).ConfigureAwait(false);
        if (!includeQuarantined)
        {
            return entries;
        }

        var quarantined = await _quarantine.ForOrderAsync(Reader, bucketName, orderId, cancellationToken).ConfigureAwait(false);
        return entries.Concat(quarantined).ToList();
    }
}
