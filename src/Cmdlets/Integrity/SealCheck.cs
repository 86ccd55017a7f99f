using System.Globalization;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using StoredSeal = OrderMonitoring.Cmdlets.Integrity.VersionedRead<OrderMonitoring.Processor.Digests.SealDocument>;
using StoredDigest = OrderMonitoring.Cmdlets.Integrity.VersionedRead<OrderMonitoring.Processor.Digests.DigestDocument>;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// Which seals a verification reads: the whole trail's (no days), or those of the verified days and onward to the
/// first seal after them; <paramref name="Schedule"/> when the stack seals.
/// </summary>
internal sealed record SealScope(DateTime? FirstDay, DateTime? LastDay, SealSchedule? Schedule)
{
    public static SealScope Whole(SealSchedule? schedule) => new(null, null, schedule);

    public bool IsWhole => FirstDay is null || LastDay is null;

    /// <summary>True when the verification listed the day folder of <paramref name="digestKey"/> (with the day on either side), so a key it did not find is gone.</summary>
    public bool Listed(string digestKey)
    {
        if (IsWhole)
        {
            return digestKey.StartsWith(AuditKey.DigestsPrefix, StringComparison.Ordinal);
        }

        return DigestDay(digestKey) is { } day && day >= FirstDay!.Value.AddDays(-1) && day <= LastDay!.Value.AddDays(1);
    }

    private static DateTime? DigestDay(string key)
    {
        var start = AuditKey.DigestsPrefix.Length;
        return key.Length > start + 10 && DateTime.TryParseExact(key.Substring(start, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day) ? day : null;
    }
}

/// <summary>What the seals say: findings on the seals, their cadence and the heads they name; the digest heads they seal (key and SHA-256).</summary>
internal sealed record SealVerdict(IReadOnlyList<TrailFinding> Findings, HashSet<(string Key, string Sha256)> SealedHeads, int SealsRead);

/// <summary>
/// Verifies the seals of a period (see <see cref="SealDocument"/>): each seal's signature; the links between seals
/// (every seal's previous must exist with the named hash); unsigned seals sealed by a later signed seal's links; every
/// head a trusted seal names must still be there with the named bytes (else the chain's tail was deleted); then the
/// cadence (<see cref="SealCadence"/>). The heads it proves let an unsigned digest count as sealed.
/// </summary>
internal sealed class SealCheck(SealReader reader, TimeProvider time)
{
    /// <summary>How many days after the verified ones are read, at most, to find the seal that follows them (a seal is due at least every 30 hours).</summary>
    internal const int OnwardDays = 3;

    /// <param name="digests">The digests read, by key; a sealed head changed afterwards is replaced by its version with the sealed bytes when one survives.</param>
    /// <param name="versionWith">Reads the version of a digest whose bytes hash to the SHA-256 given, named by the text given (null when none survives).</param>
    public async Task<SealVerdict> CheckAsync(string bucketName, SealScope scope, Dictionary<string, StoredDigest> digests, IReadOnlyList<StoredDigest> inPeriod,
        Func<StoredDigest, string, string, Task<StoredDigest?>> versionWith, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (seals, readUntil) = await ReadAsync(bucketName, scope, now, cancellationToken).ConfigureAwait(false);
        var findings = new List<TrailFinding>();
        foreach (var seal in seals.Values)
        {
            findings.AddRange(KeyFindings(seal));
        }

        await CheckLinksAsync(bucketName, seals, findings, cancellationToken).ConfigureAwait(false);
        var trusted = Trusted(seals, findings);
        var sealedHeads = await CheckHeadsAsync(trusted, scope, digests, versionWith, findings).ConfigureAwait(false);
        var periodEnd = scope.IsWhole ? now : Min(now, new DateTimeOffset(scope.LastDay!.Value.AddDays(1), TimeSpan.Zero));
        var cadence = new SealCadence(now, periodEnd, readUntil, scope);
        findings.AddRange(cadence.Gaps(seals.Values.Where(s => s.Usable && s.Sha256 is not null).Select(s => (s.Document!, s.Sha256!))));
        if (await SealingBeganAsync(bucketName, scope, seals, trusted, periodEnd, cancellationToken).ConfigureAwait(false) is { } began)
        {
            findings.AddRange(cadence.Uncovered(trusted, inPeriod, began));
        }

        return new SealVerdict(findings, sealedHeads, seals.Count);
    }

    /// <summary>
    /// From when the period's digests must be sealed: the first seal's time when it was read; the beginning when later
    /// seals were read, or when a stack that seals has no seal from before the period's end (deleting every seal must
    /// not look like history from before seals). Null when coverage is not judged: the stack does not seal, only
    /// unsigned seals were read (reported as such), or the first seal is after the period (its digests are history).
    /// </summary>
    private async Task<DateTimeOffset?> SealingBeganAsync(string bucketName, SealScope scope, Dictionary<string, StoredSeal> seals, IReadOnlyList<SealDocument> trusted,
        DateTimeOffset periodEnd, CancellationToken cancellationToken)
    {
        if (scope.Schedule is null)
        {
            return null;
        }

        if (trusted.Count > 0)
        {
            return trusted.Where(s => s.Previous is null).Select(s => (DateTimeOffset?)s.SealedAt).Min() ?? DateTimeOffset.MinValue;
        }

        if (seals.Values.Any(s => s.Usable))
        {
            return null;
        }

        var first = await reader.FirstKeyAsync(bucketName, cancellationToken).ConfigureAwait(false);
        return first is not null && string.CompareOrdinal(first, DayPrefix(periodEnd.UtcDateTime.Date)) >= 0 ? null : DateTimeOffset.MinValue;
    }

    private async Task<(Dictionary<string, StoredSeal> Seals, DateTimeOffset ReadUntil)> ReadAsync(string bucketName, SealScope scope, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var seals = new Dictionary<string, StoredSeal>(StringComparer.Ordinal);
        void Add(IEnumerable<StoredSeal> read)
        {
            foreach (var seal in read)
            {
                seals[seal.Key] = seal;
            }
        }

        if (scope.IsWhole)
        {
            Add(await reader.ReadPrefixAsync(bucketName, AuditKey.SealsPrefix, cancellationToken).ConfigureAwait(false));
            return (seals, now);
        }

        foreach (var day in VerificationPeriod.Range(scope.FirstDay!.Value, scope.LastDay!.Value))
        {
            Add(await reader.ReadPrefixAsync(bucketName, DayPrefix(day), cancellationToken).ConfigureAwait(false));
        }

        // Onward to the first seal after the verified days: it names the heads their chains had when they ended.
        var end = scope.LastDay!.Value.AddDays(1);
        var next = end;
        while (next <= now.UtcDateTime.Date && next < end.AddDays(OnwardDays) && !seals.Values.Any(s => s.Document is { } d && d.SealedAt.UtcDateTime >= end))
        {
            Add(await reader.ReadPrefixAsync(bucketName, DayPrefix(next), cancellationToken).ConfigureAwait(false));
            next = next.AddDays(1);
        }

        return (seals, Min(now, new DateTimeOffset(next, TimeSpan.Zero)));
    }

    private static string DayPrefix(DateTime day) => AuditKey.SealsPrefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/";

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static IEnumerable<TrailFinding> KeyFindings(StoredSeal seal)
    {
        if (seal.Deleted && !seal.Gone)
        {
            yield return Finding(AuditFindingKind.DigestMissing, seal.Key, seal.Document is null
                ? "the seal was deleted and no surviving version of it verifies"
                : "the seal's current version is a delete marker; its surviving version still counts");
        }
        else if (seal.Problem is { } problem && !seal.Gone)
        {
            yield return Finding(AuditFindingKind.DigestInvalid, seal.Key, seal.Document is null || seal.Signature == DigestSignatureCheck.Invalid
                ? $"the seal cannot be trusted: {problem}"
                : $"the seal's current version cannot be trusted ({problem}); an earlier version that verifies still counts");
        }
    }

    /// <summary>Each seal's previous seal must be there with the bytes it names; one read for a previous from before the seals read.</summary>
    private async Task CheckLinksAsync(string bucketName, Dictionary<string, StoredSeal> seals, List<TrailFinding> findings, CancellationToken cancellationToken)
    {
        foreach (var seal in seals.Values.Where(s => s.Usable && s.Document!.Previous is not null).OrderBy(s => s.Key, StringComparer.Ordinal).ToList())
        {
            var link = seal.Document!.Previous!;
            if (!seals.TryGetValue(link.Key, out var previous))
            {
                previous = await reader.ReadKeyAsync(bucketName, link.Key, cancellationToken).ConfigureAwait(false);
                seals[link.Key] = previous;
                findings.AddRange(KeyFindings(previous));
            }

            if (previous.Gone)
            {
                findings.Add(Finding(AuditFindingKind.DigestMissing, link.Key,
                    $"seal {seal.Key} names it as the previous seal, but no version of it is left: a seal was deleted"));
            }
            else if (!previous.Holds(link.Sha256))
            {
                findings.Add(Finding(AuditFindingKind.DigestInvalid, seal.Key,
                    $"the chain of seals is broken: it names {link.Key} with SHA-256 {link.Sha256}, but that seal's bytes hash to {previous.Sha256 ?? "nothing readable"}"));
            }
        }
    }

    /// <summary>
    /// The seals whose word counts: signed ones that verify, and unsigned ones a trusted later seal links to by their
    /// exact bytes. Every other unsigned seal is DigestUnsigned: it seals nothing yet.
    /// </summary>
    private static IReadOnlyList<SealDocument> Trusted(Dictionary<string, StoredSeal> seals, List<TrailFinding> findings)
    {
        var namedBy = seals.Values.Where(s => s.Usable && s.Document!.Previous is not null)
            .GroupBy(s => s.Document!.Previous!.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var known = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool IsTrusted(StoredSeal seal, int depth)
        {
            if (seal.Signature == DigestSignatureCheck.Valid)
            {
                return true;
            }

            if (known.TryGetValue(seal.Key, out var result))
            {
                return result;
            }

            known[seal.Key] = false; // a crafted cycle ends here
            result = depth < 100_000 && namedBy.TryGetValue(seal.Key, out var successors)
                && successors.Any(next => seal.Holds(next.Document!.Previous!.Sha256) && IsTrusted(next, depth + 1));
            known[seal.Key] = result;
            return result;
        }

        var trusted = new List<SealDocument>();
        foreach (var seal in seals.Values.Where(s => s.Usable).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (IsTrusted(seal, 0))
            {
                trusted.Add(seal.Document!);
            }
            else
            {
                findings.Add(Finding(AuditFindingKind.DigestUnsigned, seal.Key,
                    $"the seal was written unsigned ({seal.Document!.Unsigned ?? "no reason given"}) and no later signed seal links to it yet: it seals nothing"));
            }
        }

        return trusted;
    }

    /// <summary>
    /// Every head a trusted seal names, in the digest days listed, must be there with the named bytes; the heads that are
    /// become sealed. A head changed after the seal is judged by its version with the sealed bytes when one survives.
    /// </summary>
    private static async Task<HashSet<(string Key, string Sha256)>> CheckHeadsAsync(IReadOnlyList<SealDocument> trusted, SealScope scope,
        Dictionary<string, StoredDigest> digests, Func<StoredDigest, string, string, Task<StoredDigest?>> versionWith, List<TrailFinding> findings)
    {
        var sealedHeads = new HashSet<(string Key, string Sha256)>();
        var judged = new HashSet<(string Key, string Sha256)>();
        foreach (var seal in trusted)
        {
            foreach (var head in seal.Heads.Where(h => scope.Listed(h.Key) && judged.Add((h.Key, h.Sha256))))
            {
                var found = digests.TryGetValue(head.Key, out var digest) && !digest.Gone ? digest : null;
                if (found is not null && (string.Equals(found.Sha256, head.Sha256, StringComparison.Ordinal) || string.Equals(found.CurrentSha256, head.Sha256, StringComparison.Ordinal)))
                {
                    sealedHeads.Add((head.Key, head.Sha256));
                    continue;
                }

                if (found is not null && await versionWith(found, head.Sha256, $"seal {seal.Key} of {seal.SealedAt:u}").ConfigureAwait(false) is { } sealedVersion)
                {
                    digests[head.Key] = sealedVersion;
                    findings.Add(Finding(AuditFindingKind.DigestInvalid, head.Key, $"the digest was changed after the seal: {sealedVersion.Problem}"));
                    sealedHeads.Add((head.Key, head.Sha256));
                    continue;
                }

                var left = NewestLeft(digests.Values, head.Chain);
                findings.Add(Finding(AuditFindingKind.DigestMissing, head.Key, found is null
                    ? $"sealed by {seal.Key} at {seal.SealedAt:u} as the head of chain {head.Chain} (position {head.Position}); every version is gone: the chain's tail was deleted"
                        + (left is null ? string.Empty : $" (the newest digest of the chain left is position {left.Document!.Position}, {left.Key})")
                    : ChangedAfterSeal(seal, head, found)));
            }
        }

        return sealedHeads;
    }

    /// <summary>
    /// No surviving version (of those searched) holds the sealed bytes; say what was read: the current version and the
    /// newest one that verifies.
    /// </summary>
    private static string ChangedAfterSeal(SealDocument seal, SealedHead head, StoredDigest found) =>
        $"sealed by {seal.Key} at {seal.SealedAt:u} with SHA-256 {head.Sha256}, but it was changed after the seal: "
        + (found.Deleted ? "its current version is a delete marker and " : $"its current version hashes to {found.CurrentSha256 ?? "nothing readable"} and ")
        + $"the newest version that verifies to {found.Sha256 ?? "nothing readable"}";

    private static StoredDigest? NewestLeft(IEnumerable<StoredDigest> digests, string chain) =>
        digests.Where(d => !d.Gone && d.Document is { } doc && string.Equals(doc.Chain, chain, StringComparison.Ordinal)).OrderByDescending(d => d.Document!.Position).FirstOrDefault();

    internal static TrailFinding Finding(AuditFindingKind kind, string key, string detail) => new(kind, key, detail) { DigestKey = key };
}
