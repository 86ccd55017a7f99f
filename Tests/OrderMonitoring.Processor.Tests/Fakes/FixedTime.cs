namespace OrderMonitoring.Processor.Tests.Fakes;

/// <summary>A clock that always says the same instant (timers and elapsed time stay real).</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
