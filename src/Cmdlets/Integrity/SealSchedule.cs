using System.Globalization;
using System.Text.RegularExpressions;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// That the stack seals (its <c>DigestSealSchedule</c> output exists), and by when a seal is due after the digests it
/// must name: the schedule's interval plus the grace the processor gives (15 minutes or a quarter of the interval,
/// whichever is larger). A stack without the output (an older template) is not expected to seal.
/// </summary>
internal sealed record SealSchedule(TimeSpan Due)
{
    /// <summary>The stack output that says the stack seals (the schedule's expression or rule).</summary>
    public const string OutputName = "DigestSealSchedule";

    /// <summary>The longest interval the template allows (1,440 minutes) with its grace: used when the output does not say.</summary>
    public static readonly TimeSpan Longest = DueAfter(TimeSpan.FromMinutes(1440));

    private static readonly Regex Rate = new(@"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>The schedule the output names; null when the stack does not seal.</summary>
    public static SealSchedule? FromOutput(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // The output's text is the template's business: read a rate(...) expression or a number of minutes, else assume the longest.
        var match = Rate.Match(value!);
        if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            var unit = match.Groups[2].Value.ToUpperInvariant();
            var interval = unit.StartsWith("MINUTE", StringComparison.Ordinal) ? TimeSpan.FromMinutes(count)
                : unit.StartsWith("HOUR", StringComparison.Ordinal) ? TimeSpan.FromHours(count) : TimeSpan.FromDays(count);
            return new SealSchedule(DueAfter(interval));
        }

        return int.TryParse(value!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes > 0
            ? new SealSchedule(DueAfter(TimeSpan.FromMinutes(minutes)))
            : new SealSchedule(Longest);
    }

    /// <summary>The interval plus the processor's grace (the larger of 15 minutes and a quarter of the interval).</summary>
    public static TimeSpan DueAfter(TimeSpan interval) => interval + Processor.Digests.SealInterval.GraceFor(interval);
}
