using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using StoredDigest = OrderMonitoring.Cmdlets.Integrity.VersionedRead<OrderMonitoring.Processor.Digests.DigestDocument>;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// Judges when seals were made, not what they say: two consecutive seals further apart than the earlier one's
/// <see cref="SealDocument.NextSealBy"/>, or a newest seal whose next was due before the end of what was read, mean a
/// seal was deleted or the schedule did not run; and on a stack that seals, digests older than one interval plus grace
/// that no seal names mean every seal that named them is gone (deleting every seal must not look like history from
/// before seals). Findings are on <c>seals/</c>: they name a gap in time, not a key.
/// </summary>
internal sealed class SealCadence(DateTimeOffset now, DateTimeOffset periodEnd, DateTimeOffset readUntil, SealScope scope)
{
    private DateTimeOffset PeriodStart => scope.IsWhole ? DateTimeOffset.MinValue : new DateTimeOffset(scope.FirstDay!.Value, TimeSpan.Zero);

    /// <summary>
    /// Gaps between consecutive seals (of those parsed and not forged, with the SHA-256 of the bytes read) that touch the
    /// period, and a newest seal overdue. A gap names both seals (<see cref="TrailFinding.DigestKey"/> the earlier one,
    /// <see cref="TrailFinding.Gap"/> the later one), so a person can acknowledge exactly that gap; an overdue newest seal
    /// names none: the schedule must be fixed.
    /// </summary>
    public IEnumerable<TrailFinding> Gaps(IEnumerable<(SealDocument Seal, string Sha256)> seals)
    {
        var ordered = seals.GroupBy(s => s.Seal.Key, StringComparer.Ordinal).Select(g => g.First()).OrderBy(s => s.Seal.SealedAt).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var ((earlier, earlierSha), (later, laterSha)) = (ordered[i - 1], ordered[i]);
            if (later.SealedAt > earlier.NextSealBy && earlier.NextSealBy < periodEnd && later.SealedAt > PeriodStart)
            {
                yield return Gap($"no seal between {earlier.SealedAt:u} ({earlier.Key}) and {later.SealedAt:u} ({later.Key}); the next was due by {earlier.NextSealBy:u}")
                    with { DigestKey = earlier.Key, DigestedSha256 = earlierSha, Gap = new SealGap(new DigestLink(later.Key, laterSha), earlier.SealedAt, later.SealedAt) };
            }
        }

        // The newest seal read; when it is after the period, a later one exists and the period's end is sealed.
        if (ordered.Count > 0 && ordered[ordered.Count - 1].Seal is { } newest && newest.SealedAt < periodEnd && newest.NextSealBy < readUntil)
        {
            yield return Gap($"no seal since {newest.SealedAt:u} ({newest.Key}) up to {readUntil:u}; the next was due by {newest.NextSealBy:u}");
        }
    }

    /// <summary>
    /// Digests of the period a stack that seals should have sealed by now that no trusted seal names (a head of their
    /// chain at or after them). <paramref name="sealingBegan"/>: digests before it are history from before seals.
    /// </summary>
    public IEnumerable<TrailFinding> Uncovered(IReadOnlyList<SealDocument> trusted, IReadOnlyList<StoredDigest> inPeriod, DateTimeOffset sealingBegan)
    {
        if (scope.Schedule is not { } schedule)
        {
            yield break;
        }

        // The seals say their own schedule; the stack's output only when none is left to say it.
        var due = trusted.Count > 0 ? trusted.Max(s => s.NextSealBy - s.SealedAt) : schedule.Due;
        var sealedUpTo = trusted.SelectMany(s => s.Heads).GroupBy(h => h.Chain, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(h => h.Position), StringComparer.Ordinal);
        var uncovered = inPeriod.Where(d => d.Usable && !d.Gone)
            .Select(d => (Digest: d, Written: d.FirstWritten is { } first ? new DateTimeOffset(DateTime.SpecifyKind(first, DateTimeKind.Utc)) : d.Document!.WrittenAt))
            .Where(d => d.Written >= sealingBegan && d.Written < now - due
                && !(sealedUpTo.TryGetValue(d.Digest.Document!.Chain, out var position) && position >= d.Digest.Document.Position))
            .OrderBy(d => d.Written).ToList();
        if (uncovered.Count > 0)
        {
            yield return Gap($"{uncovered.Count} digest(s) written {uncovered[0].Written:u} to {uncovered[uncovered.Count - 1].Written:u} (first {uncovered[0].Digest.Key}) are named by no seal, "
                + $"though the stack seals (a seal is due within {due.TotalMinutes:0} minutes of them)", "every seal that named them was deleted, or the schedule never ran");
        }
    }

    private static TrailFinding Gap(string what, string why = "a seal was deleted or the schedule did not run") =>
        SealCheck.Finding(AuditFindingKind.DigestMissing, AuditKey.SealsPrefix, what + ": " + why);
}
