namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// The outcome of verifying a period's digests and the repair records: the findings on the digests themselves, what
/// they vouch for (<see cref="Index"/>), and which objects the period judges (an object no digest lists is forged when
/// its first version was written after the trail's first digest and inside the period; before the first digest it is
/// history, <see cref="AuditFindingKind.Unsigned"/>).
/// </summary>
internal sealed class VerifiedTrail(IReadOnlyList<TrailFinding> findings, DigestIndex index, DateTime? firstDigestWritten, DateTime? judgedFrom, DateTime? judgedUntil,
    int digestsRead, HashSet<string>? periodFolders = null)
{
    /// <summary>
    /// True when a digest of the period lists an object in <paramref name="folder"/> (a whole-trail check: any digest);
    /// the neighbouring days' digests, read only to look objects up, do not make a period check read a folder.
    /// </summary>
    public bool Touches(string folder) => periodFolders?.Contains(folder) ?? Index.KeysIn(folder).Count > 0;

    /// <summary>The folders the period's digests list objects in.</summary>
    public IEnumerable<string> Folders => periodFolders ?? Index.Folders;

    /// <summary>DigestMissing, DigestInvalid, DigestUnsigned findings (never windowed).</summary>
    public IReadOnlyList<TrailFinding> Findings { get; } = findings;

    public DigestIndex Index { get; } = index;

    /// <summary>When the trail's first digest was written; null when there is none (every object is history).</summary>
    public DateTime? FirstDigestWritten { get; } = firstDigestWritten;

    public int DigestsRead { get; } = digestsRead;

    /// <summary>How many seals were read and checked.</summary>
    public int SealsRead { get; init; }

    /// <summary>Gaps in the seals a signed repair record acknowledges: no longer findings.</summary>
    public IReadOnlyList<AcknowledgedGap> AcknowledgedGaps { get; init; } = Array.Empty<AcknowledgedGap>();

    /// <summary>True when the whole trail was verified (no -Since/-Until).</summary>
    public bool IsWhole => judgedFrom is null && judgedUntil is null;

    /// <summary>True for an object written before digests existed.</summary>
    public bool IsHistory(DateTime? firstWritten) => FirstDigestWritten is not { } first || (firstWritten is { } written && written < first);

    /// <summary>
    /// True when the period must have a digest for an object first written at <paramref name="firstWritten"/>: not
    /// history, and inside the period (the whole trail judges every object).
    /// </summary>
    public bool Judges(DateTime? firstWritten) => InPeriod(firstWritten) && !IsHistory(firstWritten);

    /// <summary>True when an object first written at <paramref name="firstWritten"/> falls in the verified period (always, for the whole trail).</summary>
    public bool InPeriod(DateTime? firstWritten)
    {
        if (IsWhole)
        {
            return true;
        }

        // A store that does not say when: only the whole trail can judge it.
        return firstWritten is { } written && (judgedFrom is not { } from || written >= from) && (judgedUntil is not { } until || written < until);
    }
}
