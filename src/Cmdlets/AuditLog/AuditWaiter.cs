using System.Globalization;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Orders;

namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>The audit object found for a written event and how long after the write it appeared.</summary>
internal sealed record AuditArrival(string Key, TimeSpan Latency);

/// <summary>
/// Waits for the processor's audit object of each written event. The object's key holds the stream sequence number,
/// which the writer cannot know, so it lists the order's own prefix and matches new objects by timestamp and status.
/// Several orders are checked at once (bounded), so waiting for a thousand orders is not a thousand serial listings.
/// </summary>
internal sealed class AuditWaiter
{
    /// <summary>Orders checked at once by default.</summary>
    public const int DefaultMaxParallelOrders = 12;

    private readonly IAuditObjectStore _store;
    private readonly TimeSpan _pollInterval;
    private readonly int _maxParallelOrders;
    private readonly TimeProvider _time;

    public AuditWaiter(IAuditObjectStore store, TimeSpan? pollInterval = null, int maxParallelOrders = DefaultMaxParallelOrders,
        TimeProvider? time = null)
    {
        _store = store;
        _pollInterval = pollInterval ?? TimeSpan.FromMilliseconds(500);
        _maxParallelOrders = Math.Max(1, maxParallelOrders);
        _time = time ?? ModuleClock.System;
    }

    /// <summary>The clock latencies and the timeout are measured on.</summary>
    public TimeProvider Time => _time;

    /// <summary>
    /// Per event (same order as given): its arrival, or null when none appeared within <paramref name="timeout"/>.
    /// <paramref name="writeStarted"/> is a timestamp of this waiter's clock (<see cref="Time"/>) taken before the write.
    /// <paramref name="arrived"/>, when given, receives each event's index and arrival as soon as a round of checks finds
    /// it (input order within a round), so results stream out while the others are still awaited.
    /// </summary>
    public async Task<IReadOnlyList<AuditArrival?>> WaitAsync(string bucketName, IReadOnlyList<OrderEvent> events, long writeStarted, TimeSpan timeout,
        IOperationReporter reporter, CancellationToken cancellationToken, Action<int, AuditArrival>? arrived = null)
    {
        var results = new AuditArrival?[events.Count];
        var handedOn = new bool[events.Count];
        // Keys already read, per order; each order is checked by one worker per round, so a set is never shared between threads.
        var seenKeys = events.Select(e => e.OrderId).Distinct(StringComparer.Ordinal)
            .ToDictionary(id => id, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        while (true)
        {
            // One listing per order, however many of its events are still pending.
            var groups = Enumerable.Range(0, events.Count).Where(i => results[i] is null).GroupBy(i => events[i].OrderId).ToList();
            await BoundedConcurrency.ForEachAsync(groups, _maxParallelOrders, async (group, _) =>
            {
                var found = await FindAsync(bucketName, group.Key, seenKeys[group.Key], cancellationToken).ConfigureAwait(false);
                Match(events, group, found, results, _time.GetElapsedTime(writeStarted));
            }, cancellationToken).ConfigureAwait(false);

            for (var i = 0; i < events.Count; i++)
            {
                if (results[i] is { } arrival && !handedOn[i])
                {
                    handedOn[i] = true;
                    arrived?.Invoke(i, arrival);
                }
            }

            var audited = results.Count(r => r is not null);
            reporter.Progress(new OperationProgress(2, "Waiting for audit objects", $"{audited} of {events.Count} audited",
                events.Count == 0 ? 100 : audited * 100 / events.Count));
            if (audited == events.Count || _time.GetElapsedTime(writeStarted) >= timeout)
            {
                reporter.Progress(new OperationProgress(2, "Waiting for audit objects", "done", Completed: true));
                return results;
            }

            await _time.Delay(_pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Match(IReadOnlyList<OrderEvent> events, IEnumerable<int> pending, List<OrderAuditRecord> found, AuditArrival?[] results, TimeSpan latency)
    {
        foreach (var index in pending)
        {
            var match = found.FirstOrDefault(f => f.Timestamp == events[index].Timestamp.ToString(CultureInfo.InvariantCulture)
                && OrderStatus.Matches(f.Status, events[index].Status));
            if (match is not null)
            {
                results[index] = new AuditArrival(match.Key, latency);
                found.Remove(match);
            }
        }
    }

    private async Task<List<OrderAuditRecord>> FindAsync(string bucketName, string orderId, HashSet<string> seenKeys, CancellationToken cancellationToken)
    {
        var found = new List<OrderAuditRecord>();
        await Paging.ForEachPageAsync(
            (next, token) => _store.ListAsync(bucketName, AuditKey.OrderPrefix(orderId), next, token),
            page => page.NextToken,
            async page =>
            {
                foreach (var key in page.Keys)
                {
                    if (!seenKeys.Contains(key) && await _store.ReadAsync(bucketName, key, cancellationToken).ConfigureAwait(false) is { } json)
                    {
                        found.Add(AuditRecordParser.Parse(bucketName, key, json));
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);

        foreach (var record in found)
        {
            seenKeys.Add(record.Key);
        }

        return found;
    }
}
