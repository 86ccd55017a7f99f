namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>What Repair-OrderAuditLog does about a finding of a kind.</summary>
internal enum RepairAction
{
    /// <summary>Writes a reconciliation record of the item as it is now.</summary>
    WriteItemRecord,

    /// <summary>Writes a REMOVE reconciliation record (when the deletion happened is unknown).</summary>
    WriteRemoveRecord,

    /// <summary>Writes a REMOVE reconciliation record saying the item went with its table (deleted on purpose).</summary>
    WriteTableDeletedRecord,

    /// <summary>
    /// Copies the version whose bytes the digest proves back as a new current version (nothing deleted); with no such
    /// version left, writes the record again from the stream, or a reconciliation record when the stream no longer
    /// holds it. Objects no digest covers: the newest surviving version under a delete marker, the first version under
    /// an overwrite (only with -RestoreTampered), said to be unproven.
    /// </summary>
    CopyProvenVersion,

    /// <summary>Changes nothing; <see cref="FindingKind.LeftAlone"/> says why.</summary>
    LeaveAlone,
}

/// <summary>One kind of finding: whether a record still in the stream explains it, what repair does, and its help text.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="PendingExcuses">True when a record of the item still in the table's stream (not yet processed) explains it (-IgnorePending).</param>
/// <param name="Repair">What repair does.</param>
/// <param name="Help">What the kind means, for a person.</param>
/// <param name="LeftAlone">For <see cref="RepairAction.LeaveAlone"/>: why repair changes nothing.</param>
internal sealed record FindingKind(AuditFindingKind Kind, bool PendingExcuses, RepairAction Repair, string Help, string? LeftAlone = null);

/// <summary>
/// The one table of finding kinds (as <c>AuditField</c> is of audit fields): a new kind is one row here; a kind
/// without a row fails loudly instead of being mislabelled by a default branch.
/// </summary>
internal static class FindingKinds
{
    public static readonly IReadOnlyList<FindingKind> All =
    [
        new(AuditFindingKind.MissingAudit, PendingExcuses: true, RepairAction.WriteItemRecord,
            "An item in the table with no audit record of it at all."),
        new(AuditFindingKind.StaleAudit, PendingExcuses: true, RepairAction.WriteItemRecord,
            "The latest audit record of an item does not match the item as it is now (a change was lost)."),
        new(AuditFindingKind.MissingRemove, PendingExcuses: true, RepairAction.WriteRemoveRecord,
            "The audit log says an item exists, but the table has no such item and no REMOVE was audited."),
        new(AuditFindingKind.DeletedAudit, PendingExcuses: false, RepairAction.CopyProvenVersion,
            "An audit object whose current version is a delete marker, or a key a digest lists with no version of the digested bytes left (every version deleted)."),
        new(AuditFindingKind.TamperedAudit, PendingExcuses: false, RepairAction.CopyProvenVersion,
            "An audit object whose current version is not the bytes its digest gives (or, for history from before digests, states other facts than its first version)."),
        new(AuditFindingKind.UnreadableAudit, PendingExcuses: false, RepairAction.LeaveAlone,
            "An object under the audit prefix that is not a valid audit document.",
            LeftAlone: "an object that is not an audit document is never changed; inspect and remove it by hand"),
        // History, not a gap (AuditLogCheck.Complete does not count it); a stream record cannot explain a whole table's deletion.
        new(AuditFindingKind.EarlierTable, PendingExcuses: false, RepairAction.WriteTableDeletedRecord,
            "The audit log says an item exists that the table lacks, but its latest record is older than the table: the item went with an earlier table that was deleted on purpose."),
        new(AuditFindingKind.ForgedAudit, PendingExcuses: false, RepairAction.LeaveAlone,
            "An object under the audit or quarantine prefix that no digest lists: the processor never wrote it.",
            LeftAlone: "an object the processor never wrote is evidence; a person decides what it is and removes it"),
        new(AuditFindingKind.DigestMissing, PendingExcuses: false, RepairAction.LeaveAlone,
            "A digest its chain or a seal names, or whose key is listed, is gone or deleted; or a seal is: deleted, or missing from the seals' schedule.",
            LeftAlone: "a digest cannot be rewritten without the processor's signing key; a person investigates who removed it"),
        new(AuditFindingKind.DigestInvalid, PendingExcuses: false, RepairAction.LeaveAlone,
            "A digest or seal whose signature does not verify, that is not one, or that breaks its chain.",
            LeftAlone: "a digest cannot be rewritten without the processor's signing key; a person investigates who changed it"),
        new(AuditFindingKind.DigestUnsigned, PendingExcuses: false, RepairAction.LeaveAlone,
            "A digest written unsigned (signing failed) that no later signed digest of its chain nor a seal seals yet, or an unsigned seal no signed seal links to.",
            LeftAlone: "an unsigned digest is sealed by the processor (the next batch of its chain or the seal step), never by the module"),
        new(AuditFindingKind.Unsigned, PendingExcuses: false, RepairAction.LeaveAlone,
            "Audit objects written before digests existed: compared with the table, but not provable.",
            LeftAlone: "history from before digests existed cannot be signed after the fact"),
        new(AuditFindingKind.BucketUnprotected, PendingExcuses: false, RepairAction.LeaveAlone,
            "The audit bucket lost a protection the stack gave it (versioning, Object Lock or the bucket policy's denies).",
            LeftAlone: "the bucket's protection is restored by a person (or by updating the stack), not by the audit repair"),
    ];

    private static readonly Dictionary<AuditFindingKind, FindingKind> ByKind = All.ToDictionary(kind => kind.Kind);

    /// <summary>The row of <paramref name="kind"/>; throws for a kind the table does not know.</summary>
    public static FindingKind Of(AuditFindingKind kind) =>
        ByKind.TryGetValue(kind, out var row)
            ? row
            : throw new InvalidOperationException($"The finding kind '{kind}' has no row in FindingKinds: say there whether pending records excuse it and what repair does.");
}
