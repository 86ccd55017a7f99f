namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>Where an object key stands against the digests.</summary>
internal enum KeyState
{
    /// <summary>The current version is bytes a digest (or a signed repair record) vouches for.</summary>
    Proven,

    /// <summary>Deleted (a delete marker) or overwritten; a version with the vouched-for bytes survives (<see cref="KeyVerdict.ProvenVersionId"/>).</summary>
    Restorable,

    /// <summary>No version with the vouched-for bytes is left.</summary>
    Lost,

    /// <summary>No digest lists the key, and the period must have one: the processor never wrote it.</summary>
    Forged,

    /// <summary>Not in a digest, but not current either (deleted): nothing stands in the trail.</summary>
    Withdrawn,

    /// <summary>Written before digests existed: judged by its versions alone, as before digests.</summary>
    History,

    /// <summary>Not in a digest of the period, and written outside it: only a check of its own period (or the whole trail) judges it.</summary>
    Unjudged,
}

/// <summary>The verdict on one key: its state, the version whose facts count, and the finding (null when none).</summary>
internal sealed record KeyVerdict(KeyState State, string? ProvenVersionId, TrailFinding? Finding);

/// <summary>
/// Judges one key by the digested SHA-256, never by MD5/ETag: the current version must hash to bytes a digest or a
/// signed repair record vouches for; otherwise the newest surviving version that does is the proven one (what repair
/// copies back, and whose facts reconciliation trusts).
/// </summary>
internal static class KeyProof
{
    /// <param name="key">The object key.</param>
    /// <param name="listed">Its versions and delete markers.</param>
    /// <param name="trail">What the verified digests vouch for, and which objects the period judges.</param>
    /// <param name="currentSha256">The SHA-256 of the current version's bytes when read (null for a delete marker or an unreadable version).</param>
    /// <param name="sha256Of">The SHA-256 of another version (S3's stored checksum, else its bytes hashed); null when unreadable.</param>
    public static async Task<KeyVerdict> JudgeAsync(string key, IReadOnlyList<ObjectVersion> listed, VerifiedTrail trail, string? currentSha256,
        Func<ObjectVersion, Task<string?>> sha256Of)
    {
        var versions = VersionOrder.NewestFirst(listed);
        var current = VersionOrder.Current(listed, versions);
        var index = trail.Index;
        if (!index.Covers(key))
        {
            var firstWritten = versions.Select(v => v.LastModified).Where(t => t is not null).Min();
            if (!trail.InPeriod(firstWritten))
            {
                // Written outside the period: its own period's digests (or the whole check) judge it.
                return new KeyVerdict(KeyState.Unjudged, null, null);
            }

            if (trail.IsHistory(firstWritten))
            {
                return new KeyVerdict(KeyState.History, null, null);
            }

            return current.IsDeleteMarker
                ? new KeyVerdict(KeyState.Withdrawn, null, null)
                : new KeyVerdict(KeyState.Forged, null, new TrailFinding(AuditFindingKind.ForgedAudit, key,
                    AuditKeyShape.IsReconciliation(key)
                        ? $"shaped like a reconciliation record, but no signed repair record vouches for it and no digest lists it (first written {firstWritten:u})"
                        : $"no digest lists it: the processor never wrote it (first written {firstWritten:u})"));
        }

        var entry = index.Digested(key).FirstOrDefault();
        if (!current.IsDeleteMarker && currentSha256 is not null && index.Vouches(key, currentSha256))
        {
            return new KeyVerdict(KeyState.Proven, current.VersionId, null);
        }

        ObjectVersion? proven = null;
        foreach (var version in versions.Where(v => !v.IsDeleteMarker && !ReferenceEquals(v, current)))
        {
            if (await sha256Of(version).ConfigureAwait(false) is { } sha && index.Vouches(key, sha))
            {
                proven = version;
                break;
            }
        }

        var digested = entry?.Sha256 ?? "(a repair record's)";
        TrailFinding Finding(AuditFindingKind kind, string detail) => new(kind, key, detail)
        {
            DigestKey = entry?.DigestKey, DigestedSha256 = entry?.Sha256, ProvenVersionId = proven?.VersionId,
            SequenceNumber = entry?.SequenceNumber, EventId = entry?.EventId,
        };

        if (proven is null)
        {
            return index.OriginalLost(key)
                ? new KeyVerdict(KeyState.Lost, null, null)
                : new KeyVerdict(KeyState.Lost, null, Finding(AuditFindingKind.DeletedAudit, current.IsDeleteMarker
                    ? $"the current version is a delete marker and no version with the digested SHA-256 {digested} is left (every version deleted)"
                    : $"the current version hashes to {currentSha256 ?? "nothing readable"}, and no version with the digested SHA-256 {digested} is left (every version of it deleted)"));
        }

        return new KeyVerdict(KeyState.Restorable, proven.VersionId, current.IsDeleteMarker
            ? Finding(AuditFindingKind.DeletedAudit, $"the current version is a delete marker; version {proven.VersionId} has the digested SHA-256 {digested}")
            : Finding(AuditFindingKind.TamperedAudit,
                $"the current version hashes to {currentSha256 ?? "nothing readable"}, not the digested SHA-256 {digested}; version {proven.VersionId} has the digested bytes"));
    }

    /// <summary>A digested key with no version at all: every version was deleted.</summary>
    public static KeyVerdict Vanished(string key, DigestIndex index)
    {
        if (index.OriginalLost(key))
        {
            return new KeyVerdict(KeyState.Lost, null, null);
        }

        var entry = index.Digested(key).FirstOrDefault();
        return new KeyVerdict(KeyState.Lost, null, new TrailFinding(AuditFindingKind.DeletedAudit, key,
            $"digest {entry?.DigestKey} lists it, but no version of it is left (every version deleted)")
        {
            DigestKey = entry?.DigestKey, DigestedSha256 = entry?.Sha256, SequenceNumber = entry?.SequenceNumber, EventId = entry?.EventId,
        });
    }
}

/// <summary>Key shapes verification names in its findings.</summary>
internal static class AuditKeyShape
{
    public static bool IsReconciliation(string key) => OrderMonitoring.Processor.Audit.AuditKey.IsReconciliationKey(key);
}
