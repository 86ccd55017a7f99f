using OrderMonitoring.Cmdlets.Infrastructure;

namespace OrderMonitoring.Cmdlets.Services.Orders;

/// <summary>Settings of <see cref="OrderEventWriter"/>.</summary>
internal sealed class OrderWriteOptions
{
    /// <summary>BatchWriteItem's limit.</summary>
    public const int BatchSize = 25;

    /// <summary>BatchWriteItem calls in flight at once.</summary>
    public int MaxInFlight { get; init; } = 8;

    /// <summary>Attempts for a batch's unprocessed items before giving up.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>First backoff for unprocessed items; doubles per attempt, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest single backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Writes order events with BatchWriteItem: 25 per call, several calls in flight, unprocessed items retried with
/// exponential backoff. Events of the same item (same order id and timestamp) keep their order: a repeated key
/// waits until every earlier write has finished.
/// </summary>
internal sealed class OrderEventWriter
{
    private readonly IOrderTable _table;
    private readonly OrderWriteOptions _options;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    public OrderEventWriter(IOrderTable table, OrderWriteOptions? options = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _table = table;
        _options = options ?? new OrderWriteOptions();
        _delay = delay ?? Task.Delay;
    }

    /// <summary>
    /// Writes every event; returns when all are stored. Throws <see cref="OrderMonitoringException"/> (OrderWriteIncomplete)
    /// naming how many were written when the service keeps refusing some.
    /// </summary>
    public async Task WriteAsync(string tableName, IReadOnlyList<OrderEvent> events, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var written = 0;
        var inFlight = new List<Task>();
        var pendingKeys = new HashSet<string>(StringComparer.Ordinal);
        var chunk = new List<OrderEvent>(OrderWriteOptions.BatchSize);

        async Task StartChunkAsync()
        {
            if (chunk.Count == 0)
            {
                return;
            }

            if (inFlight.Count >= _options.MaxInFlight)
            {
                var finished = await Task.WhenAny(inFlight).ConfigureAwait(false);
                inFlight.Remove(finished);
                await finished.ConfigureAwait(false);
            }

            var batch = chunk.ToArray();
            chunk = new List<OrderEvent>(OrderWriteOptions.BatchSize);
            inFlight.Add(WriteAndReportAsync(batch));
        }

        async Task WriteAndReportAsync(OrderEvent[] batch)
        {
            await WriteWithRetryAsync(tableName, batch, cancellationToken).ConfigureAwait(false);
            var done = Interlocked.Add(ref written, batch.Length);
            reporter.Progress(new OperationProgress(1, $"Writing order events to {tableName}", $"{done} of {events.Count} written",
                events.Count == 0 ? 100 : done * 100 / events.Count));
        }

        foreach (var orderEvent in events)
        {
            if (!pendingKeys.Add(orderEvent.ItemKey))
            {
                // The same item again: everything before it must be stored first, or the older write could win.
                await StartChunkAsync().ConfigureAwait(false);
                await Task.WhenAll(inFlight).ConfigureAwait(false);
                inFlight.Clear();
                pendingKeys.Clear();
                pendingKeys.Add(orderEvent.ItemKey);
            }

            chunk.Add(orderEvent);
            if (chunk.Count == OrderWriteOptions.BatchSize)
            {
                await StartChunkAsync().ConfigureAwait(false);
            }
        }

        await StartChunkAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
        finally
        {
            reporter.Progress(new OperationProgress(1, $"Writing order events to {tableName}", "done", Completed: true));
        }
    }

    private async Task WriteWithRetryAsync(string tableName, IReadOnlyList<OrderEvent> batch, CancellationToken cancellationToken)
    {
        var remaining = batch;
        for (var attempt = 1; ; attempt++)
        {
            remaining = await _table.WriteBatchAsync(tableName, remaining, cancellationToken).ConfigureAwait(false);
            if (remaining.Count == 0)
            {
                return;
            }

            if (attempt >= _options.MaxAttempts)
            {
                throw new OrderMonitoringException("OrderWriteIncomplete", FailureKind.OperationFailed,
                    $"DynamoDB left {remaining.Count} order event(s) unprocessed after {attempt} attempts (first: order '{remaining[0].OrderId}', timestamp {remaining[0].Timestamp}); the other events were written.",
                    "The table is throttling writes: retry the missing events later or with a smaller -Count.");
            }

            await _delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.MaxDelay.TotalMilliseconds, _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        // Full jitter: concurrent batches that were throttled together do not retry together.
        return TimeSpan.FromMilliseconds(ceiling / 2 + (ThreadSafeRandom.NextDouble() * ceiling / 2));
    }
}

/// <summary>Random numbers for jitter from any thread (System.Random is not thread-safe; netstandard2.0 has no Random.Shared).</summary>
internal static class ThreadSafeRandom
{
    [ThreadStatic]
    private static Random? _local;

    public static double NextDouble() => (_local ??= new Random(Guid.NewGuid().GetHashCode())).NextDouble();
}
