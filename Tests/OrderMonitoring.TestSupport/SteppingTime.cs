namespace OrderMonitoring.TestSupport;

/// <summary>
/// A clock in which waiting takes no real time: a timer moves the clock forward by its due time and then fires at once
/// (on the thread pool, as a real timer would), so polling loops and back-offs finish immediately yet still see time
/// pass. Timers are one-shot; that is all a delay needs.
/// </summary>
public sealed class SteppingTime(DateTimeOffset start) : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<TimeSpan> _waits = new();
    private DateTimeOffset _now = start;

    /// <summary>Runs after each step of the clock, before the waiting code resumes (a test's hook "on every poll").</summary>
    public Action? Stepped { get; set; }

    /// <summary>Every wait so far, in order.</summary>
    public TimeSpan[] Waits { get { lock (_gate) { return _waits.ToArray(); } } }

    /// <summary>Moves the clock forward by hand (a test's "later"), without firing anything.</summary>
    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new OneShot();
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            ThreadPool.QueueUserWorkItem(_ =>
            {
                if (timer.Disposed)
                {
                    return;
                }

                lock (_gate)
                {
                    _now += dueTime;
                    _waits.Add(dueTime);
                }

                Stepped?.Invoke();
                callback(state);
            });
        }

        return timer;
    }

    private sealed class OneShot : ITimer
    {
        public volatile bool Disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return default;
        }
    }
}
