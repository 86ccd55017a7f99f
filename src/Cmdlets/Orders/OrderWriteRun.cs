using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Orders;

/// <summary>
/// The shared state of one <see cref="OrderEventWriter.WriteAsync"/> call: which events are written, which were refused
/// because their item exists, and the first failure.
/// </summary>
internal sealed class OrderWriteRun
{
    private const int Pending = 0;
    private const int WasWritten = 1;
    private const int ItemExists = 2;

    private readonly int[] _states;
    private readonly IOperationReporter _reporter;
    private OrderWriteFailure? _failure;
    private int _writtenCount;
    private int _existingCount;

    private readonly Action<OrderEvent>? _onWritten;
    private readonly object _emitGate = new();
    private int _emitted;

    public OrderWriteRun(string tableName, IReadOnlyList<OrderEvent> events, IOperationReporter reporter, Action<OrderEvent>? onWritten = null)
    {
        TableName = tableName;
        Events = events;
        _reporter = reporter;
        _onWritten = onWritten;
        _states = new int[events.Count];
    }

    public string TableName { get; }

    public IReadOnlyList<OrderEvent> Events { get; }

    /// <summary>The first failure of any chunk; once set, no new chunk starts.</summary>
    public OrderWriteFailure? Failure => Volatile.Read(ref _failure);

    public void Fail(OrderWriteFailure failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    /// <summary>True when the event was refused because its item exists (read once every call before it has ended).</summary>
    public bool WasRefused(int index) => Volatile.Read(ref _states[index]) == ItemExists;

    /// <summary>True when the event was written (read once every call before it has ended).</summary>
    public bool IsWritten(int index) => Volatile.Read(ref _states[index]) == WasWritten;

    /// <summary>Records confirmed events (each index belongs to one chunk, so no two threads write the same slot).</summary>
    public void MarkWritten(IReadOnlyList<int> indexes) => Mark(indexes, WasWritten);

    /// <summary>Records events left unwritten because their item exists: final, like a written one, so results behind them go on streaming.</summary>
    public void MarkExisting(IReadOnlyList<int> indexes) => Mark(indexes, ItemExists);

    private void Mark(IReadOnlyList<int> indexes, int state)
    {
        if (indexes.Count == 0)
        {
            return;
        }

        foreach (var index in indexes)
        {
            Volatile.Write(ref _states[index], state);
        }

        var written = state == WasWritten ? Interlocked.Add(ref _writtenCount, indexes.Count) : Volatile.Read(ref _writtenCount);
        var existing = state == ItemExists ? Interlocked.Add(ref _existingCount, indexes.Count) : Volatile.Read(ref _existingCount);
        var refused = existing == 0 ? "" : $", {existing} not written (item exists)";
        _reporter.Progress(new OperationProgress(1, $"Writing order events to {TableName}", $"{written} of {Events.Count} written{refused}",
            Events.Count == 0 ? 100 : (written + existing) * 100 / Events.Count));
        EmitDonePrefix();
    }

    // Hands on every written event whose predecessors are all done (written or refused), in input order (calls finish in any order).
    private void EmitDonePrefix()
    {
        if (_onWritten is null)
        {
            return;
        }

        lock (_emitGate)
        {
            for (int state; _emitted < Events.Count && (state = Volatile.Read(ref _states[_emitted])) != Pending; _emitted++)
            {
                if (state == WasWritten)
                {
                    _onWritten(Events[_emitted]);
                }
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
                if (IsWritten(_emitted))
                {
                    _onWritten(Events[_emitted]);
                }
            }
        }
    }

    /// <summary>What a stopped write says: how many were written, the last one, and that the rest were not.</summary>
    public OperationStoppedException Stopped(CancellationToken token)
    {
        var written = Events.Where((_, i) => IsWritten(i)).ToList();
        var last = written.Count == 0 ? "" : $" The last written: order '{written[written.Count - 1].OrderId}' (timestamp {written[written.Count - 1].Timestamp}).";
        int emitted;
        lock (_emitGate)
        {
            emitted = Events.Take(_emitted).Where((_, i) => IsWritten(i)).Count();
        }

        var output = _onWritten is null ? "" : $" The results of the first {emitted} are in the output.";
        return new OperationStoppedException(
            $"Stopped: {written.Count} of {Events.Count} order event(s) were written to {TableName}; the other {Events.Count - written.Count} were not.{last}{output}",
            token);
    }

    /// <summary>The outcome; call only after every chunk has ended.</summary>
    public OrderWriteOutcome ToOutcome() => new(
        Events.Where((_, i) => IsWritten(i)).ToList(),
        Events.Where((_, i) => Volatile.Read(ref _states[i]) == Pending).ToList(),
        Failure,
        Events.Where((_, i) => WasRefused(i)).ToList());
}
