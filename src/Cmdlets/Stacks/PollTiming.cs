using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>How often to poll, on which clock; tests pass a clock in which waiting takes no real time.</summary>
internal sealed class PollTiming
{
    /// <summary>Real time, polling every two seconds like Wait-CFNStack.</summary>
    public static readonly PollTiming Default = new();

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider Time { get; init; } = ModuleClock.System;

    public DateTimeOffset Now() => Time.GetUtcNow();

    /// <summary>Waits one <see cref="Interval"/>.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => Time.Delay(Interval, cancellationToken);
}
