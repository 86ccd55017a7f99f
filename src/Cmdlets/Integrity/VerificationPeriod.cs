using System.Globalization;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// Which digests a check verifies: every digest (no -Since/-Until: the whole trail), or those of the UTC days the
/// window touches. Objects are judged by when their first version was written: inside the period's days, they must
/// be listed in a digest of those days or of the day on either side (a batch begun before midnight writes its digest
/// after it).
/// </summary>
internal sealed record VerificationPeriod(DateTimeOffset? Since, DateTimeOffset? Until)
{
    public static VerificationPeriod WholeTrail { get; } = new(null, null);

    public bool IsWhole => Since is null && Until is null;

    /// <summary>The first and last UTC day verified; the first day defaults to the trail's first digest, the last to today.</summary>
    public (DateTime First, DateTime Last) Days(DateTime firstDigestDay, DateTime today)
    {
        var first = Since?.UtcDateTime.Date ?? firstDigestDay.Date;
        var last = Until?.UtcDateTime.Date ?? today.Date;
        return (first, last < first ? first : last);
    }

    /// <summary>The digest prefix of one day.</summary>
    public static string DayPrefix(DateTime day) => AuditKey.DigestsPrefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/";

    /// <summary>Every day from <paramref name="first"/> to <paramref name="last"/>.</summary>
    public static IEnumerable<DateTime> Range(DateTime first, DateTime last)
    {
        for (var day = first.Date; day <= last.Date; day = day.AddDays(1))
        {
            yield return day;
        }
    }
}
