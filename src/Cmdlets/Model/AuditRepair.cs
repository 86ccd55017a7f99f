namespace OrderMonitoring;

/// <summary>What Repair-OrderAuditLog changed in the audit bucket for one finding (OrderMonitoring.AuditRepair).</summary>
public sealed class AuditRepair
{
    /// <summary>The finding repaired.</summary>
    public AuditFindingKind Kind { get; init; }

    /// <summary>WroteReconciliationRecord, RemovedDeleteMarker or RestoredFirstVersion.</summary>
    public string Action { get; init; } = "";

    /// <summary>The order.</summary>
    public string OrderId { get; init; } = "";

    /// <summary>The item's sort key when known.</summary>
    public string? Timestamp { get; init; }

    /// <summary>The audit bucket.</summary>
    public string BucketName { get; init; } = "";

    /// <summary>The key written or restored.</summary>
    public string Key { get; init; } = "";

    /// <summary>The version id S3 gave the new version, or the delete marker removed.</summary>
    public string? VersionId { get; init; }
}
