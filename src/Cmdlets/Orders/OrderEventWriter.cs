using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Orders;

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
/// waits until every earlier write has finished. When one call gives up, no further call is started, every call
/// already running is finished, and the outcome says exactly which events were written.
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
    public async Task<OrderWriteOutcome> WriteAsync(string tableName, IReadOnlyList<OrderEvent> events, IOperationReporter reporter,
        CancellationToken cancellationToken, Action<OrderEvent>? written = null)
    {
        var run = new OrderWriteRun(tableName, events, reporter, written);
        var inFlight = new List<Task>();
        var pendingKeys = new HashSet<string>(StringComparer.Ordinal);
        var chunk = new List<int>(OrderWriteOptions.BatchSize);

        async Task StartChunkAsync()
        {
            if (chunk.Count == 0 || run.Failure is not null)
            {
                return;
            }

            if (inFlight.Count >= _options.MaxInFlight)
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
            chunk = new List<int>(OrderWriteOptions.BatchSize);
            inFlight.Add(WriteChunkAsync(run, batch, cancellationToken));
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

                chunk.Add(i);
                if (chunk.Count == OrderWriteOptions.BatchSize)
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

/// <summary>The shared state of one <see cref="OrderEventWriter.WriteAsync"/> call: which events are written, the first failure.</summary>
internal sealed class OrderWriteRun
{
    private readonly bool[] _written;
    private readonly IOperationReporter _reporter;
    private OrderWriteFailure? _failure;
    private int _writtenCount;

    private readonly Action<OrderEvent>? _onWritten;
    private readonly object _emitGate = new();
    private int _emitted;

    public OrderWriteRun(string tableName, IReadOnlyList<OrderEvent> events, IOperationReporter reporter, Action<OrderEvent>? onWritten = null)
    {
        TableName = tableName;
        Events = events;
        _reporter = reporter;
        _onWritten = onWritten;
        _written = new bool[events.Count];
    }

    public string TableName { get; }

    public IReadOnlyList<OrderEvent> Events { get; }

    /// <summary>The first failure of any chunk; once set, no new chunk starts.</summary>
    public OrderWriteFailure? Failure => Volatile.Read(ref _failure);

    public void Fail(OrderWriteFailure failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    /// <summary>Records confirmed events (each index belongs to one chunk, so no two threads write the same slot).</summary>
    public void MarkWritten(IReadOnlyList<int> indexes)
    {
        if (indexes.Count == 0)
        {
            return;
        }

        foreach (var index in indexes)
        {
            _written[index] = true;
        }

        var done = Interlocked.Add(ref _writtenCount, indexes.Count);
        _reporter.Progress(new OperationProgress(1, $"Writing order events to {TableName}", $"{done} of {Events.Count} written",
            Events.Count == 0 ? 100 : done * 100 / Events.Count));
        EmitWrittenPrefix();
    }

    // Hands on every event whose predecessors are all stored, in input order (chunks finish in any order).
    private void EmitWrittenPrefix()
    {
        if (_onWritten is null)
        {
            return;
        }

        lock (_emitGate)
        {
            while (_emitted < Events.Count && Volatile.Read(ref _written[_emitted]))
            {
                _onWritten(Events[_emitted++]);
            }
        }
    }

    /// <summary>
    /// Once every chunk has ended: hands on the written events still held back behind one that was not written (a failed
    /// call), in input order, so every written event is handed on exactly once.
    /// </summary>
    public void HandOnTheRest()
    {
        if (_onWritten is null)
        {
            return;
        }

        lock (_emitGate)
        {
            for (; _emitted < Events.Count; _emitted++)
            {
                if (_written[_emitted])
                {
                    _onWritten(Events[_emitted]);
                }
            }
        }
    }

    /// <summary>What a stopped write says: how many were written, the last one, and that the rest were not.</summary>
    public OperationStoppedException Stopped(CancellationToken token)
    {
        var written = Events.Where((_, i) => _written[i]).ToList();
        var last = written.Count == 0 ? "" : $" The last written: order '{written[written.Count - 1].OrderId}' (timestamp {written[written.Count - 1].Timestamp}).";
        int emitted;
        lock (_emitGate)
        {
            emitted = _emitted;
        }

        var output = _onWritten is null ? "" : $" The results of the first {emitted} are in the output.";
        return new OperationStoppedException(
            $"Stopped: {written.Count} of {Events.Count} order event(s) were written to {TableName}; the other {Events.Count - written.Count} were not.{last}{output}",
            token);
    }

    /// <summary>The outcome; call only after every chunk has ended.</summary>
    public OrderWriteOutcome ToOutcome()
    {
        var written = Events.Where((_, i) => _written[i]).ToList();
        var notWritten = Events.Where((_, i) => !_written[i]).ToList();
        return new OrderWriteOutcome(written, notWritten, notWritten.Count == 0 ? null : Failure);
    }
}
