namespace OrderMonitoring.Processor.Batch;

/// <summary>
/// The time one batch may take. Lambda kills an invocation at its timeout, and then nothing of the batch counts: no
/// partial batch response, no metrics line, every record delivered again (alerts included). So the processor stops
/// starting records when too little time is left for one more attempt, cancels what is still running a little before
/// the end, and keeps that last moment for the report and the response.
/// </summary>
internal sealed class RunDeadline : IDisposable
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly TimeSpan? _stopAt;
    private readonly TimeSpan _attemptTimeout;
    private readonly CancellationTokenSource _hardStop;
    private int _notStarted;

    /// <param name="budget">How long the whole batch may take, the report included; null for no limit.</param>
    /// <param name="attemptTimeout">How long one store write or publish may take.</param>
    /// <param name="caller">The caller's own cancellation.</param>
    /// <param name="time">The processor's clock.</param>
    public RunDeadline(TimeSpan? budget, TimeSpan attemptTimeout, CancellationToken caller, TimeProvider time)
    {
        _time = time;
        _started = time.GetTimestamp();
        _attemptTimeout = attemptTimeout;
        _hardStop = CancellationTokenSource.CreateLinkedTokenSource(caller);
        if (budget is { } total)
        {
            _stopAt = total - ReserveFor(total);
            _hardStop.CancelAfter(_stopAt.Value > TimeSpan.Zero ? _stopAt.Value : TimeSpan.Zero);
        }
    }

    /// <summary>Cancelled by the caller, or when the time for work is over.</summary>
    public CancellationToken Token => _hardStop.Token;

    /// <summary>Records reported for retry because the deadline came first.</summary>
    public int NotStarted => Volatile.Read(ref _notStarted);

    public bool HasLimit => _stopAt is not null;

    /// <summary>
    /// True when a new record should not be started: less time is left than one attempt may take, so starting it would
    /// most likely end in a cancelled call (and, for a record whose audit object was written, an alert sent twice).
    /// </summary>
    public bool IsShort => _stopAt is { } stopAt && stopAt - _time.GetElapsedTime(_started) < _attemptTimeout;

    public void CountNotStarted() => Interlocked.Increment(ref _notStarted);

    public void Dispose() => _hardStop.Dispose();

    /// <summary>What is kept back after the work stops: for the log, the metrics and the response (a tenth, 1 to 3 s).</summary>
    internal static TimeSpan ReserveFor(TimeSpan budget) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(3).Ticks, Math.Max(TimeSpan.FromSeconds(1).Ticks, budget.Ticks / 10)));
}
