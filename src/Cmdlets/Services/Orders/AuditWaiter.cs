using System.Diagnostics;
using System.Globalization;
using OrderMonitoring.Cmdlets.Infrastructure;
using OrderMonitoring.Cmdlets.Services.Audit;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Services.Orders;

/// <summary>The audit object found for a written event and how long after the write it appeared.</summary>
internal sealed record AuditArrival(string Key, TimeSpan Latency);

/// <summary>
/// Waits for the processor's audit object of each written event. The object's key holds the stream sequence number,
/// which the writer cannot know, so it lists the order's own prefix and matches new objects by timestamp and status.
/// </summary>
internal sealed class AuditWaiter
{
    private readonly IAuditObjectStore _store;
    private readonly TimeSpan _pollInterval;

    public AuditWaiter(IAuditObjectStore store, TimeSpan? pollInterval = null)
    {
        _store = store;
        _pollInterval = pollInterval ?? TimeSpan.FromMilliseconds(500);
    }

    /// <summary>Per event (same order as given): its arrival, or null when none appeared within <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<AuditArrival?>> WaitAsync(string bucketName, IReadOnlyList<OrderEvent> events, Stopwatch sinceWrite, TimeSpan timeout,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var results = new AuditArrival?[events.Count];
        var pending = Enumerable.Range(0, events.Count).ToList();
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            // One listing per order, however many of its events are still pending.
            foreach (var group in pending.GroupBy(i => events[i].OrderId).ToList())
            {
                var found = await FindAsync(bucketName, group.Key, seenKeys, cancellationToken).ConfigureAwait(false);
                foreach (var index in group)
                {
                    var match = found.FirstOrDefault(f => f.Timestamp == events[index].Timestamp.ToString(CultureInfo.InvariantCulture)
                        && f.Status == events[index].Status);
                    if (match is not null)
                    {
                        results[index] = new AuditArrival(match.Key, sinceWrite.Elapsed);
                        found.Remove(match);
                        pending.Remove(index);
                    }
                }
            }

            reporter.Progress(new OperationProgress(2, "Waiting for audit objects", $"{events.Count - pending.Count} of {events.Count} audited",
                events.Count == 0 ? 100 : (events.Count - pending.Count) * 100 / events.Count));
            if (pending.Count == 0 || sinceWrite.Elapsed >= timeout)
            {
                reporter.Progress(new OperationProgress(2, "Waiting for audit objects", "done", Completed: true));
                return results;
            }

            await Task.Delay(_pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<OrderAuditRecord>> FindAsync(string bucketName, string orderId, HashSet<string> seenKeys, CancellationToken cancellationToken)
    {
        var found = new List<OrderAuditRecord>();
        string? token = null;
        do
        {
            var page = await _store.ListAsync(bucketName, AuditKey.OrderPrefix(orderId), token, cancellationToken).ConfigureAwait(false);
            foreach (var key in page.Keys)
            {
                if (seenKeys.Contains(key) || await _store.ReadAsync(bucketName, key, cancellationToken).ConfigureAwait(false) is not { } json)
                {
                    continue;
                }

                var record = AuditRecordParser.Parse(bucketName, key, json);
                found.Add(record);
            }

            token = page.NextToken;
        }
        while (token is not null);

        foreach (var record in found)
        {
            seenKeys.Add(record.Key);
        }

        return found;
    }
}
