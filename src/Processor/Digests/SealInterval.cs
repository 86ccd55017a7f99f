using OrderMonitoring.Processor.Template;

namespace OrderMonitoring.Processor.Digests;

/// <summary>How often seals are written (the template's DigestSealIntervalMinutes) and when the next one is due at the latest.</summary>
public sealed class SealInterval
{
    private static readonly TimeSpan MinimumGrace = TimeSpan.FromMinutes(15);

    /// <summary>One seal every <paramref name="interval"/> (the template allows 5 to 1,440 minutes).</summary>
    public SealInterval(TimeSpan interval)
    {
        if (interval < TimeSpan.FromMinutes(TemplateContract.Seals.MinIntervalMinutes) || interval > TimeSpan.FromMinutes(TemplateContract.Seals.MaxIntervalMinutes))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval,
                $"A seal interval is {TemplateContract.Seals.MinIntervalMinutes} to {TemplateContract.Seals.MaxIntervalMinutes} minutes.");
        }

        Interval = interval;
    }

    /// <summary>The template's default: one seal an hour.</summary>
    public static SealInterval Default { get; } = new(TimeSpan.FromMinutes(TemplateContract.Seals.DefaultIntervalMinutes));

    public TimeSpan Interval { get; }

    /// <summary>
    /// How late a seal may be: 15 minutes or a quarter of the interval, whichever is larger (EventBridge delivers a
    /// scheduled event within about a minute, and an invocation may be retried after a failure).
    /// </summary>
    public TimeSpan Grace => GraceFor(Interval);

    /// <summary>The grace of a seal schedule of <paramref name="interval"/> (also what a verifier allows a seal).</summary>
    public static TimeSpan GraceFor(TimeSpan interval) => interval.Ticks / 4 > MinimumGrace.Ticks ? TimeSpan.FromTicks(interval.Ticks / 4) : MinimumGrace;

    /// <summary>When the seal after one made at <paramref name="sealedAt"/> is due at the latest.</summary>
    public DateTimeOffset NextSealBy(DateTimeOffset sealedAt) => sealedAt + Interval + Grace;
}
