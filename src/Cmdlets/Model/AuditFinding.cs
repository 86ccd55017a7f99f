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

    /// <summary>An audit object whose current version is a delete marker.</summary>
    DeletedAudit,

    /// <summary>An audit object whose current version states other facts than the first version written for its key.</summary>
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
