using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using StoredDigest = OrderMonitoring.Cmdlets.Integrity.VersionedRead<OrderMonitoring.Processor.Digests.DigestDocument>;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>The public keys a verification uses: the digest key's, and the repair key's when known (without it no repair record is accepted).</summary>
internal sealed record VerificationKeys(DigestVerifier Digests, DigestVerifier? Repairs);

/// <summary>
/// Verifies a period's digests the way CloudTrail's validate-logs does: each digest's signature with the digest
/// key's public key, each chain's links (every digest's previous must exist with the named hash; for a chain's first
/// digest in the period its predecessor is read from an earlier day, one extra read per chain), unsigned digests
/// sealed by a later signed digest of their chain; then the repair records signed with the repair key. The result
/// says what the digests vouch for, object by object.
/// </summary>
internal sealed class TrailVerifier(IVersionedObjects store, VerificationKeys keys, TimeProvider time, int maxParallelReads = 16)
{
    private readonly DigestReader _digests = new(store, keys.Digests, maxParallelReads);

    public Task<VerifiedTrail> VerifyAsync(string bucketName, VerificationPeriod period, CancellationToken cancellationToken) =>
        VerifyAsync(bucketName, period, null, cancellationToken);

    /// <summary>Verifies the period's digests, and its seals (<see cref="SealCheck"/>); <paramref name="sealSchedule"/> when the stack seals.</summary>
    public async Task<VerifiedTrail> VerifyAsync(string bucketName, VerificationPeriod period, SealSchedule? sealSchedule, CancellationToken cancellationToken)
    {
        var sealScope = SealScope.Whole(sealSchedule);
        var findings = new List<TrailFinding>();
        IReadOnlyList<StoredDigest> inPeriod;
        var lookupOnly = new List<StoredDigest>();
        DateTime? firstDigest;
        DateTime? judgedFrom = null;
        DateTime? judgedUntil = null;
        if (period.IsWhole)
        {
            inPeriod = await _digests.ReadPrefixAsync(bucketName, AuditKey.DigestsPrefix, cancellationToken).ConfigureAwait(false);
            firstDigest = inPeriod.Select(d => d.FirstWritten).Where(t => t is not null).Min();
        }
        else
        {
            firstDigest = await FirstDigestWrittenAsync(bucketName, cancellationToken).ConfigureAwait(false);
            var (first, last) = period.Days(firstDigest ?? time.GetUtcNow().UtcDateTime, time.GetUtcNow().UtcDateTime);
            (judgedFrom, judgedUntil) = (first, last.AddDays(1));
            sealScope = new SealScope(first, last, sealSchedule);
            inPeriod = await ReadDaysAsync(bucketName, VerificationPeriod.Range(first, last), cancellationToken).ConfigureAwait(false);
            // The day on either side: a batch that began before midnight lists its objects in a digest of the next day.
            lookupOnly.AddRange(await ReadDaysAsync(bucketName, new[] { first.AddDays(-1), last.AddDays(1) }, cancellationToken).ConfigureAwait(false));
        }

        var byKey = inPeriod.Concat(lookupOnly).GroupBy(d => d.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var digest in inPeriod)
        {
            findings.AddRange(KeyFindings(digest));
        }

        Task<StoredDigest?> VersionWith(StoredDigest read, string sha256, string namedBy) => _digests.ReadVersionWithAsync(bucketName, read, sha256, namedBy, cancellationToken);
        var seals = await new SealCheck(new SealReader(store, keys.Digests, maxParallelReads), time)
            .CheckAsync(bucketName, sealScope, byKey, inPeriod, VersionWith, cancellationToken).ConfigureAwait(false);
        await ReadPredecessorsAsync(bucketName, inPeriod, byKey, findings, cancellationToken).ConfigureAwait(false);
        await FollowTrustedLinksAsync(bucketName, byKey, findings, seals.SealedHeads, cancellationToken).ConfigureAwait(false);
        // A digest a trusted link or seal pinned to an older version is judged by that version from here on.
        inPeriod = inPeriod.Select(d => byKey[d.Key]).ToList();
        CheckChains(inPeriod, byKey, findings, seals.SealedHeads);
        findings.AddRange(seals.Findings);
        var index = new DigestIndex();
        foreach (var digest in byKey.Values.Where(d => d.Usable))
        {
            foreach (var entry in digest.Document!.Objects)
            {
                index.AddDigested(entry.Key, new DigestedObject(digest.Key, entry.Sha256, entry.SequenceNumber, entry.EventId));
            }
        }

        var acknowledged = new List<AcknowledgedGap>();
        if (keys.Repairs is { } repairKey)
        {
            var acknowledgements = await new RepairRecordReader(store, repairKey, maxParallelReads).ReadAsync(bucketName, index, findings, cancellationToken).ConfigureAwait(false);
            acknowledged.AddRange(AcknowledgedGap.Take(findings, acknowledgements));
        }

        // Seal cadence findings all name seals/: each names another gap.
        var distinct = findings.GroupBy(f => (f.Kind, f.Key, f.Key == AuditKey.SealsPrefix ? f.Detail : null)).Select(g => g.First()).ToList();
        var periodFolders = period.IsWhole
            ? null
            : new HashSet<string>(inPeriod.Where(d => d.Usable).SelectMany(d => d.Document!.Objects).Select(o => DigestIndex.FolderOf(o.Key)), StringComparer.Ordinal);
        return new VerifiedTrail(distinct, index, firstDigest, judgedFrom, judgedUntil, byKey.Count, periodFolders) { SealsRead = seals.SealsRead, AcknowledgedGaps = acknowledged };
    }

    private async Task<IReadOnlyList<StoredDigest>> ReadDaysAsync(string bucketName, IEnumerable<DateTime> days, CancellationToken cancellationToken)
    {
        var read = new List<StoredDigest>();
        foreach (var day in days)
        {
            read.AddRange(await _digests.ReadPrefixAsync(bucketName, VerificationPeriod.DayPrefix(day), cancellationToken).ConfigureAwait(false));
        }

        return read;
    }

    private Task<DateTime?> FirstDigestWrittenAsync(string bucketName, CancellationToken cancellationToken) =>
        FirstDigest.WrittenAsync(store, bucketName, cancellationToken);

    private static IEnumerable<TrailFinding> KeyFindings(StoredDigest digest)
    {
        if (digest.Deleted)
        {
            yield return new TrailFinding(AuditFindingKind.DigestMissing, digest.Key, digest.Document is null
                ? "the digest was deleted and no surviving version of it verifies"
                : $"the digest's current version is a delete marker; its surviving version still vouches for its {digest.Document.Objects.Count} object(s)")
            { DigestKey = digest.Key };
        }
        else if (digest.Problem is { } problem)
        {
            yield return new TrailFinding(AuditFindingKind.DigestInvalid, digest.Key, digest.Document is null
                ? $"the digest cannot be trusted: {problem}"
                : $"the digest's current version cannot be trusted ({problem}); an earlier version that verifies vouches for its objects")
            { DigestKey = digest.Key };
        }
    }

    /// <summary>The digests the period's digests name as previous that were not read with them: a chain's first digest of the period names one from an earlier day.</summary>
    private async Task ReadPredecessorsAsync(string bucketName, IReadOnlyList<StoredDigest> inPeriod, Dictionary<string, StoredDigest> byKey, List<TrailFinding> findings,
        CancellationToken cancellationToken)
    {
        foreach (var digest in inPeriod.Where(d => d.Document?.Previous is not null).OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var link = digest.Document!.Previous!;
            if (!byKey.ContainsKey(link.Key))
            {
                var previous = await _digests.ReadKeyAsync(bucketName, link.Key, cancellationToken).ConfigureAwait(false);
                byKey[link.Key] = previous;
                findings.AddRange(KeyFindings(previous).Where(f => f.Kind == AuditFindingKind.DigestMissing || previous.Problem is not null));
            }
        }
    }

    /// <summary>
    /// Follows each chain back from what is trusted (a digest whose signature verifies, a head a trusted seal names): a
    /// trusted digest's link names its previous digest's exact bytes, so when that digest now reads otherwise (an unsigned
    /// digest verifies whatever it says: an admin may rewrite it with an audit object to agree) its version with the
    /// named bytes is the one judged, when it survives, and the rewrite is the digest's finding.
    /// </summary>
    private async Task FollowTrustedLinksAsync(string bucketName, Dictionary<string, StoredDigest> byKey, List<TrailFinding> findings,
        HashSet<(string Key, string Sha256)> sealedHeads, CancellationToken cancellationToken)
    {
        var trusted = new Queue<StoredDigest>(byKey.Values.Where(d => d.Usable
            && (d.Signature == DigestSignatureCheck.Valid || (d.Sha256 is { } sha && sealedHeads.Contains((d.Key, sha))))).OrderBy(d => d.Key, StringComparer.Ordinal));
        var followed = new HashSet<string>(trusted.Select(d => d.Key), StringComparer.Ordinal);
        while (trusted.Count > 0)
        {
            var digest = trusted.Dequeue();
            if (digest.Document!.Previous is not { } link || !byKey.TryGetValue(link.Key, out var previous) || previous.Gone)
            {
                continue;
            }

            if (!string.Equals(previous.Sha256, link.Sha256, StringComparison.Ordinal) && !string.Equals(previous.CurrentSha256, link.Sha256, StringComparison.Ordinal)
                && await _digests.ReadVersionWithAsync(bucketName, previous, link.Sha256, $"digest {digest.Key}, the next of chain {digest.Document.Chain},", cancellationToken)
                    .ConfigureAwait(false) is { } linked)
            {
                byKey[link.Key] = previous = linked;
                findings.Add(new TrailFinding(AuditFindingKind.DigestInvalid, link.Key, $"the digest was changed behind its chain: {linked.Problem}") { DigestKey = link.Key });
            }

            // Each key once: a crafted cycle of links ends here.
            if (previous.Usable && string.Equals(previous.Sha256, link.Sha256, StringComparison.Ordinal) && followed.Add(link.Key))
            {
                trusted.Enqueue(previous);
            }
        }
    }

    private static void CheckChains(IReadOnlyList<StoredDigest> inPeriod, Dictionary<string, StoredDigest> byKey, List<TrailFinding> findings,
        HashSet<(string Key, string Sha256)> sealedHeads)
    {
        var chains = inPeriod.Where(d => d.Document is not null).GroupBy(d => d.Document!.Chain, StringComparer.Ordinal);
        foreach (var chain in chains)
        {
            foreach (var digest in chain.OrderBy(d => d.Document!.Position))
            {
                if (digest.Document!.Previous is not { } link || !byKey.TryGetValue(link.Key, out var previous))
                {
                    continue;
                }

                if (previous.Gone)
                {
                    findings.Add(new TrailFinding(AuditFindingKind.DigestMissing, link.Key,
                        $"digest {digest.Key} names it as the previous digest of chain {digest.Document.Chain}, but no version of it is left") { DigestKey = link.Key });
                }
                else if (!string.Equals(previous.Sha256, link.Sha256, StringComparison.Ordinal) && !string.Equals(previous.CurrentSha256, link.Sha256, StringComparison.Ordinal))
                {
                    findings.Add(new TrailFinding(AuditFindingKind.DigestInvalid, digest.Key,
                        $"the chain is broken: it names {link.Key} with SHA-256 {link.Sha256}, but that digest's bytes hash to {previous.Sha256 ?? "nothing readable"}")
                    { DigestKey = digest.Key });
                }
            }
        }

        findings.AddRange(Unsealed(inPeriod, byKey, sealedHeads));
    }

    /// <summary>
    /// Unsigned digests of the period that no valid signed digest seals: a digest is sealed when it verifies, or when
    /// the digest that names it as previous is sealed and names its exact bytes, or a trusted seal names it as its chain's head.
    /// </summary>
    private static IEnumerable<TrailFinding> Unsealed(IReadOnlyList<StoredDigest> inPeriod, Dictionary<string, StoredDigest> byKey,
        HashSet<(string Key, string Sha256)> sealedHeads)
    {
        var namedBy = byKey.Values.Where(d => d.Document?.Previous is not null && d.Usable)
            .GroupBy(d => d.Document!.Previous!.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var sealedKeys = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool IsSealed(StoredDigest digest, int depth)
        {
            if (digest.Signature == DigestSignatureCheck.Valid || (digest.Sha256 is { } sha && sealedHeads.Contains((digest.Key, sha))))
            {
                return true;
            }

            if (sealedKeys.TryGetValue(digest.Key, out var known))
            {
                return known;
            }

            // Chains are short-lived (one writer); the depth bound keeps a crafted cycle from looping.
            var result = depth < 100_000 && namedBy.TryGetValue(digest.Key, out var successors)
                && successors.Any(next => string.Equals(next.Document!.Previous!.Sha256, digest.Sha256, StringComparison.Ordinal) && IsSealed(next, depth + 1));
            sealedKeys[digest.Key] = result;
            return result;
        }

        foreach (var digest in inPeriod.Where(d => d.Usable && d.Signature == DigestSignatureCheck.Unsigned))
        {
            if (!IsSealed(digest, 0))
            {
                yield return new TrailFinding(AuditFindingKind.DigestUnsigned, digest.Key,
                    $"written unsigned ({digest.Document!.Unsigned ?? "no reason given"}) and not sealed yet by a signed digest of chain {digest.Document.Chain} nor by a seal; "
                    + $"its {digest.Document.Objects.Count} object(s) are not proven")
                { DigestKey = digest.Key };
            }
        }
    }
}

/// <summary>When the trail's first digest was written: the first key under digests/ (days sort first, then chains by their start), one request.</summary>
internal static class FirstDigest
{
    public static async Task<DateTime?> WrittenAsync(IVersionedObjects store, string bucketName, CancellationToken cancellationToken)
    {
        var page = await store.ListVersionsAsync(bucketName, AuditKey.DigestsPrefix, null, cancellationToken).ConfigureAwait(false);
        var firstKey = page.Versions.Select(v => v.Key).OrderBy(k => k, StringComparer.Ordinal).FirstOrDefault();
        return firstKey is null ? null : page.Versions.Where(v => v.Key == firstKey).Select(v => v.LastModified).Where(t => t is not null).Min();
    }
}
