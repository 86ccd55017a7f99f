using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Orders;

/// <summary>Settings of <see cref="OrderEventWriter"/>.</summary>
internal sealed class OrderWriteOptions
{
    /// <summary>BatchWriteItem's limit.</summary>
    public const int BatchSize = 25;

    /// <summary>BatchWriteItem calls in flight at once.</summary>
    public int MaxInFlight { get; init; } = 8;

    /// <summary>
    /// Conditional PutItem calls in flight at once (writing only new items): one item per call, so more calls than
    /// batches; 32 keeps about as many items in flight as the batches' first calls without flooding the connection pool.
    /// </summary>
    public int MaxPutsInFlight { get; init; } = 32;

    /// <summary>Attempts for a batch's unprocessed items before giving up.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>First backoff for unprocessed items; doubles per attempt, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest single backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Writes order events with BatchWriteItem: 25 per call, several calls in flight, unprocessed items retried with
/// exponential backoff; or, writing only new items, with PutItem conditional on the item not existing (BatchWriteItem
/// takes no condition, and checking first then writing would race a concurrent writer), one per call, bounded in
/// flight. Events of the same item (same order id and timestamp) keep their order: a repeated key waits until every
/// earlier write has finished. When one call gives up, no further call is started, every call already running is
/// finished, and the outcome says exactly which events were written.
/// </summary>
internal sealed class OrderEventWriter
{
    private readonly IOrderTable _table;
    private readonly OrderWriteOptions _options;
    private readonly TimeProvider _time;

    public OrderEventWriter(IOrderTable table, OrderWriteOptions? options = null, TimeProvider? time = null)
    {
        _table = table;
        _options = options ?? new OrderWriteOptions();
        _time = time ?? ModuleClock.System;
    }

    /// <summary>
    /// Writes the events; returns which were written and which not (see <see cref="OrderWriteOutcome.ToError"/>).
    /// <paramref name="written"/>, when given, receives each event as soon as it and every event before it are stored
    /// (input order), so results can stream out while the rest is written. Throws only
    /// <see cref="OperationCanceledException"/> (an <see cref="OperationStoppedException"/> saying how far it got), and only
    /// after every call in flight has ended.
    /// </summary>
    /// <param name="onlyNewItems">
    /// Writes an event only when its item does not exist (a conditional PutItem): one whose item appeared, however
    /// shortly before, is refused and listed in <see cref="OrderWriteOutcome.Existing"/>, never overwritten. A later event
    /// of an item this call created is the caller's own sequence and updates it; a later event of a refused item is refused too.
    /// </param>
    public async Task<OrderWriteOutcome> WriteAsync(string tableName, IReadOnlyList<OrderEvent> events, IOperationReporter reporter,
        CancellationToken cancellationToken, Action<OrderEvent>? written = null, bool onlyNewItems = false)
    {
        var run = new OrderWriteRun(tableName, events, reporter, written);
        var inFlight = new List<Task>();
        var pendingKeys = new HashSet<string>(StringComparer.Ordinal);
        var chunkSize = onlyNewItems ? 1 : OrderWriteOptions.BatchSize;
        var maxInFlight = onlyNewItems ? _options.MaxPutsInFlight : _options.MaxInFlight;
        // With onlyNewItems: the first event of each key, the one written conditionally.
        var firstOfKey = onlyNewItems ? new Dictionary<string, int>(StringComparer.Ordinal) : null;
        var chunk = new List<int>(chunkSize);

        async Task StartChunkAsync()
        {
            if (chunk.Count == 0 || run.Failure is not null)
            {
                return;
            }

            if (inFlight.Count >= maxInFlight)
            {
                var finished = await Task.WhenAny(inFlight).ConfigureAwait(false);
                inFlight.Remove(finished);
                await finished.ConfigureAwait(false);
                if (run.Failure is not null)
                {
                    return; // stop at the first failure: the rest of the events stay unsent
                }
            }

            var batch = chunk.ToArray();
            chunk = new List<int>(chunkSize);
            inFlight.Add(firstOfKey is null ? WriteChunkAsync(run, batch, cancellationToken)
                : PutAsync(run, batch[0], onlyIfNew: firstOfKey[run.Events[batch[0]].ItemKey] == batch[0], cancellationToken));
        }

        try
        {
            for (var i = 0; i < events.Count && run.Failure is null; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!pendingKeys.Add(events[i].ItemKey))
                {
                    // The same item again: everything before it must be stored first, or the older write could win.
                    await StartChunkAsync().ConfigureAwait(false);
                    await Task.WhenAll(inFlight).ConfigureAwait(false);
                    inFlight.Clear();
                    pendingKeys.Clear();
                    pendingKeys.Add(events[i].ItemKey);
                }

                if (firstOfKey is not null && !FirstOrCreated(run, firstOfKey, i))
                {
                    run.MarkExisting([i]);
                    continue;
                }

                chunk.Add(i);
                if (chunk.Count == chunkSize)
                {
                    await StartChunkAsync().ConfigureAwait(false);
                }
            }

            await StartChunkAsync().ConfigureAwait(false);
            await Task.WhenAll(inFlight).ConfigureAwait(false);
            run.HandOnTheRest();
        }
        catch (OperationCanceledException stopped) when (cancellationToken.IsCancellationRequested && stopped is not OperationStoppedException)
        {
            await EndAllAsync(inFlight).ConfigureAwait(false);
            throw run.Stopped(cancellationToken);
        }
        finally
        {
            // On cancellation too: no call is left running unobserved (they share the token, so they end promptly).
            await EndAllAsync(inFlight).ConfigureAwait(false);
            reporter.Progress(new OperationProgress(1, $"Writing order events to {tableName}", "done", Completed: true));
        }

        return run.ToOutcome();
    }

    /// <summary>
    /// True when event <paramref name="index"/> is the first of its key (to be written conditionally) or its key's first
    /// event created the item; false when that one was refused because the item exists (then this one is refused too).
    /// A repeated key waits for every earlier write, so the first event's state is known here.
    /// </summary>
    private static bool FirstOrCreated(OrderWriteRun run, Dictionary<string, int> firstOfKey, int index)
    {
        var key = run.Events[index].ItemKey;
        if (!firstOfKey.TryGetValue(key, out var first))
        {
            firstOfKey[key] = index;
            return true;
        }

        return !run.WasRefused(first);
    }

    // Writes one event with PutItem; an item that exists is recorded as refused, a failure in the run (like a chunk's).
    private async Task PutAsync(OrderWriteRun run, int index, bool onlyIfNew, CancellationToken cancellationToken)
    {
        bool stored;
        try
        {
            stored = await _table.PutAsync(run.TableName, run.Events[index], onlyIfNew, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            run.Fail(OrderWriteFailure.Thrown(ex, "PutItem"));
            return;
        }

        if (stored)
        {
            run.MarkWritten([index]);
        }
        else
        {
            run.MarkExisting([index]);
        }
    }

    private static async Task EndAllAsync(IEnumerable<Task> tasks)
    {
        foreach (var task in tasks)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The cancellation is rethrown by the caller's own check.
            }
        }
    }

    // Writes one chunk; a failure is recorded in the run instead of thrown, so the other chunks can be finished.
    private async Task WriteChunkAsync(OrderWriteRun run, int[] indexes, CancellationToken cancellationToken)
    {
        IReadOnlyList<OrderEvent> remaining = indexes.Select(i => run.Events[i]).ToList();
        var indexByKey = indexes.ToDictionary(i => run.Events[i].ItemKey, StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            IReadOnlyList<OrderEvent> unprocessed;
            try
            {
                unprocessed = await _table.WriteBatchAsync(run.TableName, remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                run.Fail(OrderWriteFailure.Thrown(ex));
                return;
            }

            var left = new HashSet<string>(unprocessed.Select(e => e.ItemKey), StringComparer.Ordinal);
            run.MarkWritten(remaining.Where(e => !left.Contains(e.ItemKey)).Select(e => indexByKey[e.ItemKey]).ToList());
            remaining = unprocessed;
            if (remaining.Count == 0)
            {
                return;
            }

            if (attempt >= _options.MaxAttempts)
            {
                run.Fail(OrderWriteFailure.Unprocessed(remaining.Count, attempt));
                return;
            }

            await _time.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
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
