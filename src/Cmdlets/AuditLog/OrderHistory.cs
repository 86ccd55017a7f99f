using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;

namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>
/// An order's history as Get-OrderAuditLog shows it: its audit objects in stream order, then (when asked) its
/// quarantined records. The quarantine area is read once per bucket for the whole invocation.
/// </summary>
internal sealed class OrderHistory
{
    private readonly QuarantineCache _quarantine = new();
    private readonly Func<CancellationToken, Task<RecordIntegrity?>>? _integrity;
    private Task<RecordIntegrity?>? _marker;

    /// <param name="reader">Reads the objects.</param>
    /// <param name="integrity">Builds the marker that checks each record against its digest (null: records are not marked).</param>
    public OrderHistory(AuditLogReader reader, Func<CancellationToken, Task<RecordIntegrity?>>? integrity = null)
    {
        Reader = reader;
        _integrity = integrity;
    }

    public AuditLogReader Reader { get; }

    /// <summary>
    /// The order's entries. An archived object is warned about on <paramref name="reporter"/> with how to restore it; it
    /// stays in the list as an archived record, except with raw text (<paramref name="parse"/> false), which it has none of.
    /// </summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(string bucketName, string orderId, bool parse, bool includeQuarantined,
        CancellationToken cancellationToken, IOperationReporter? reporter = null)
    {
        IEnumerable<AuditEntry> entries = await Reader.ReadOrderAsync(bucketName, orderId, parse, cancellationToken).ConfigureAwait(false);
        if (includeQuarantined)
        {
            entries = entries.Concat(await _quarantine.ForOrderAsync(Reader, bucketName, orderId, cancellationToken).ConfigureAwait(false));
        }

        var all = entries.ToList();
        foreach (var archived in all.Where(entry => entry.Archived))
        {
            reporter?.Warning($"The audit object s3://{bucketName}/{archived.Key} of order '{orderId}' is archived and cannot be read until it is restored: "
                + archived.Record?.RestoreHint);
        }

        if (parse && _integrity is not null && await (_marker ??= _integrity(cancellationToken)).ConfigureAwait(false) is { } marker)
        {
            var readable = all.Where(entry => !entry.Archived && entry.Record is not null).ToList();
            var marks = await marker.MarkAsync(bucketName, readable.Select(e => new ReadObject(e.Key, e.Json, e.DigestKey, e.LastModified)).ToList(), cancellationToken)
                .ConfigureAwait(false);
            for (var i = 0; i < readable.Count; i++)
            {
                readable[i].Record!.Integrity = marks[i];
            }
        }

        return parse ? all : all.Where(entry => !entry.Archived).ToList();
    }
}
