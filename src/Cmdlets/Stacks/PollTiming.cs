namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>How often to poll and how time passes; tests replace the clock and the delay so nothing really waits.</summary>
internal sealed class PollTiming
{
    /// <summary>Real time, polling every two seconds like Wait-CFNStack.</summary>
    public static readonly PollTiming Default = new();

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = (interval, token) => Task.Delay(interval, token);

    public Func<DateTimeOffset> Now { get; init; } = () => DateTimeOffset.UtcNow;
}
