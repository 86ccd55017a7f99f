namespace OrderMonitoring;

/// <summary>What Test-OrderAuditLog found wrong between the table and its audit trail.</summary>
public enum AuditFindingKind
{
    /// <summary>An item in the table with no audit record of it at all.</summary>
    MissingAudit,

    /// <summary>The latest audit record of an item does not match the item as it is now (a change was lost).</summary>
    StaleAudit,

    /// <summary>The audit log says an item exists, but the table has no such item and no REMOVE was audited.</summary>
    MissingRemove,

    /// <summary>
    /// An audit object whose current version is a delete marker, or a key a digest lists that has no version with the
    /// digested SHA-256 left at all (every version deleted).
    /// </summary>
    DeletedAudit,

    /// <summary>
    /// An audit object whose current version is not the bytes its digest vouches for (judged by the digested SHA-256);
    /// for an object no digest covers (written before digests existed): other facts than the first version of its key.
    /// </summary>
    TamperedAudit,

    /// <summary>An object under the audit prefix that is not a valid audit document.</summary>
    UnreadableAudit,

    /// <summary>
    /// The audit log says an item exists that the table lacks, but its latest record is older than the table itself:
    /// the item went with an earlier table that was deleted on purpose (Remove-OrderMonitoringStack -DeleteOrderTable),
    /// not through a delete the audit missed. History, not a gap: <see cref="AuditLogCheck.Complete"/> does not count
    /// it; Repair-OrderAuditLog closes it with a REMOVE record that says the table was deleted.
    /// </summary>
    EarlierTable,

    /// <summary>An object under the audit or quarantine prefix that no digest lists: the processor never wrote it (written behind its back).</summary>
    ForgedAudit,

    /// <summary>
    /// A digest the chain or a seal names (or a digest key listed in the bucket) whose object is gone or deleted; a seal
    /// deleted; or, on <c>seals/</c>, a gap in the seals' schedule.
    /// </summary>
    DigestMissing,

    /// <summary>A digest or seal whose signature does not verify with the signing key's public key, that is not one, or that breaks its chain's links.</summary>
    DigestInvalid,

    /// <summary>
    /// A digest written unsigned (KMS throttled, unreachable or the key disabled) that no later signed digest of its chain
    /// nor a seal seals yet: the objects it lists are not proven until it is sealed. Also an unsigned seal no signed seal links to.
    /// </summary>
    DigestUnsigned,

    /// <summary>
    /// Audit objects written before digests existed (their first version predates the trail's first digest): history
    /// that can be compared with the table but not proven. Reported once per check, not per object; not a gap.
    /// </summary>
    Unsigned,

    /// <summary>The audit bucket lost a protection the stack gave it: versioning not enabled, Object Lock removed, or the bucket policy's denies removed.</summary>
    BucketUnprotected,
}

/// <summary>How findings count towards <see cref="AuditLogCheck.Complete"/>.</summary>
public static class AuditFindingKinds
{
    /// <summary>
    /// Kinds that describe history rather than a gap: a table deleted on purpose, objects from before digests existed.
    /// <see cref="AuditLogCheck.Complete"/> ignores them.
    /// </summary>
    public static IReadOnlyCollection<AuditFindingKind> History { get; } = new[] { AuditFindingKind.EarlierTable, AuditFindingKind.Unsigned };

    /// <summary>
    /// Kinds about the integrity of the trail itself (digests, signatures, the bucket's protection, objects nobody
    /// vouches for): never filtered by -Since/-Until, never repaired by the tool (except deletions and tampering,
    /// which are restored from the proven version).
    /// </summary>
    public static IReadOnlyCollection<AuditFindingKind> Integrity { get; } = new[]
    {
        AuditFindingKind.ForgedAudit, AuditFindingKind.DeletedAudit, AuditFindingKind.TamperedAudit, AuditFindingKind.DigestMissing,
        AuditFindingKind.DigestInvalid, AuditFindingKind.DigestUnsigned, AuditFindingKind.BucketUnprotected,
    };
}

/// <summary>One finding of Test-OrderAuditLog (OrderMonitoring.AuditFinding); Repair-OrderAuditLog accepts it from the pipeline.</summary>
public sealed class AuditFinding
{
    /// <summary>What is wrong.</summary>
    public AuditFindingKind Kind { get; init; }

    /// <summary>The order (for an unreadable object outside any order's folder: the key's folder name).</summary>
    public string OrderId { get; init; } = "";

    /// <summary>The item's sort key when known.</summary>
    public string? Timestamp { get; init; }

    /// <summary>The audit object's key when there is one.</summary>
    public string? Key { get; init; }

    /// <summary>What was compared and how it differs.</summary>
    public string Detail { get; init; } = "";

    /// <summary>The environment checked (binds -Environment when piped to Repair-OrderAuditLog).</summary>
    public string Environment { get; init; } = "";

    /// <summary>The stack checked (binds -StackName when piped to Repair-OrderAuditLog).</summary>
    public string StackName { get; init; } = "";

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {OrderId}{(Timestamp is null ? "" : "/" + Timestamp)}: {Detail}";
}
