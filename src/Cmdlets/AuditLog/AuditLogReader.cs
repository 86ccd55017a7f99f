using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Orders;

namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>
/// One stored audit object: its key, its JSON text and (unless raw) the parsed record. An archived object has no text
/// and its record says so (<see cref="OrderAuditRecord.Archived"/>, <see cref="OrderAuditRecord.RestoreHint"/>).
/// </summary>
internal sealed record AuditEntry(string Key, string Json, OrderAuditRecord? Record, bool Archived = false)
{
    /// <summary>The digest the object's metadata names (the processor writes it), or null.</summary>
    public string? DigestKey { get; init; }

    /// <summary>When the object was written (S3's LastModified), when known.</summary>
    public DateTime? LastModified { get; init; }
}

/// <summary>
/// Reads audit histories back from the bucket. An order's history is one paged listing of its own prefix plus
/// bounded parallel reads, so the cost follows the size of the history, never the size of the bucket.
/// </summary>
internal sealed class AuditLogReader
{
    private readonly IAuditObjectStore _store;
    private readonly IOrderTable _table;
    private readonly int _maxParallelReads;

    public AuditLogReader(IAuditObjectStore store, IOrderTable table, int maxParallelReads = 16)
    {
        _store = store;
        _table = table;
        _maxParallelReads = maxParallelReads;
    }

    /// <summary>The order's audit objects in stream order (the key scheme makes S3's listing order stream order).</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadOrderAsync(string bucketName, string orderId, bool parse, CancellationToken cancellationToken)
    {
        var keys = await ListAllAsync(bucketName, AuditKey.OrderPrefix(orderId), cancellationToken).ConfigureAwait(false);
        return await ReadAllAsync(bucketName, keys, parse, cancellationToken, orderId).ConfigureAwait(false);
    }

    /// <summary>
    /// Quarantined records, optionally only those of the given orders. The quarantine area holds only records that could
    /// not be audited, so it is small; it is listed whole because a record there may lack a usable order id.
    /// </summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadQuarantineAsync(string bucketName, ISet<string>? orderIds, CancellationToken cancellationToken)
    {
        var keys = await ListAllAsync(bucketName, AuditKey.QuarantinePrefix, cancellationToken).ConfigureAwait(false);
        var entries = await ReadAllAsync(bucketName, keys, parse: true, cancellationToken).ConfigureAwait(false);
        return orderIds is null
            ? entries
            : entries.Where(entry => entry.Record?.OrderId is { } id && orderIds.Contains(id)).ToList();
    }

    /// <summary>
    /// Orders whose current status (the status of their latest item) is <paramref name="status"/> and that have an
    /// item with that status between the bounds, through the table's status-timestamp-index; in first-seen order.
    /// Each order is handed to <paramref name="found"/> as soon as its index page has been checked, so a caller can
    /// write it at once; reading stops when <paramref name="found"/> answers false. Statuses compare as
    /// <see cref="OrderStatus"/> says (trimmed, any case); the index is asked for <see cref="OrderStatus.IndexValues"/>.
    /// </summary>
    /// <returns>The number of orders handed over. Progress (pages read, orders found) goes to <paramref name="reporter"/>.</returns>
    public async Task<int> FindOrdersByStatusAsync(string tableName, string status, DateTimeOffset since, DateTimeOffset until,
        Func<string, Task<bool>> found, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var (pages, matched) = (0, 0);
        foreach (var indexValue in OrderStatus.IndexValues(status))
        {
            object? continuation = null;
            do
            {
                var page = await _table.QueryStatusAsync(tableName, indexValue, since.ToUnixTimeMilliseconds(), until.ToUnixTimeMilliseconds(), continuation, cancellationToken)
                    .ConfigureAwait(false);
                // The number of pages is not known in advance, so progress counts instead of showing a percentage.
                reporter.Progress(new OperationProgress(1, $"Finding {OrderStatus.Normalize(status)} orders",
                    $"status index page {++pages} read, {matched} order(s) found"));
                var candidates = page.OrderIds.Where(seen.Add).ToList();
                var current = await BoundedConcurrency.MapAsync(candidates, _maxParallelReads, id => _table.GetCurrentStatusAsync(tableName, id, cancellationToken), cancellationToken)
                    .ConfigureAwait(false);
                for (var i = 0; i < candidates.Count; i++)
                {
                    if (OrderStatus.Matches(current[i], status))
                    {
                        matched++;
                        if (!await found(candidates[i]).ConfigureAwait(false))
                        {
                            return matched;
                        }
                    }
                }

                continuation = page.Continuation;
            }
            while (continuation is not null);
        }

        return matched;
    }

    private async Task<IReadOnlyList<string>> ListAllAsync(string bucketName, string prefix, CancellationToken cancellationToken) =>
        await Paging.ReadAllAsync((next, token) => _store.ListAsync(bucketName, prefix, next, token), page => page.NextToken,
            page => page.Keys.Where(key => key.EndsWith(".json", StringComparison.Ordinal)), cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyList<AuditEntry>> ReadAllAsync(string bucketName, IReadOnlyList<string> keys, bool parse, CancellationToken cancellationToken,
        string? orderId = null)
    {
        var texts = await BoundedConcurrency.MapAsync(keys, _maxParallelReads, key => ReadOneAsync(bucketName, key, cancellationToken), cancellationToken).ConfigureAwait(false);
        var entries = new List<AuditEntry>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            if (texts[i].Archived)
            {
                entries.Add(new AuditEntry(keys[i], "", ArchivedRecord(bucketName, keys[i], orderId), Archived: true));
            }
            else if (texts[i].Stored is { } stored)
            {
                // Listed then gone (null): deleted in between (e.g. a lifecycle rule); nothing to show.
                entries.Add(new AuditEntry(keys[i], stored.Json, parse ? Parse(bucketName, keys[i], stored.Json) : null)
                {
                    DigestKey = stored.DigestKey, LastModified = stored.LastModified,
                });
            }
        }

        return entries;
    }

    private async Task<(StoredText? Stored, bool Archived)> ReadOneAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await _store.ReadWithMetadataAsync(bucketName, key, cancellationToken).ConfigureAwait(false), false);
        }
        catch (Exception error) when (S3AuditObjectStore.IsArchived(error))
        {
            return (null, true);
        }
    }

    private static OrderAuditRecord ArchivedRecord(string bucketName, string key, string? orderId) => new()
    {
        OrderId = orderId,
        BucketName = bucketName,
        Key = key,
        Archived = true,
        RestoreHint = $"aws s3api restore-object --bucket {bucketName} --key {key} --restore-request Days=7 "
            + $"(or Restore-S3Object -BucketName {bucketName} -Key {key} -CopyLifetimeInDays 7), then read it again once the restore "
            + "has finished (minutes to 12 hours from GLACIER, up to 48 hours from DEEP_ARCHIVE).",
    };

    private static OrderAuditRecord Parse(string bucketName, string key, string json)
    {
        try
        {
            return AuditRecordParser.Parse(bucketName, key, json);
        }
        catch (InvalidDataException invalid)
        {
            throw new OrderMonitoringException("AuditRecordInvalid", FailureKind.OperationFailed, invalid.Message,
                "Use -Raw to see the stored text; the object was not written by this module's processor.", invalid);
        }
    }
}
