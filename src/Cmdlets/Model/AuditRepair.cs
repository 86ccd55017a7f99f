namespace OrderMonitoring;

/// <summary>
/// What Repair-OrderAuditLog wrote into the audit bucket for one finding (OrderMonitoring.AuditRepair): nothing is ever
/// deleted, so the versions and delete markers that show what happened stay listed; the signed repair record says who
/// repaired, what and why.
/// </summary>
public sealed class AuditRepair
{
    /// <summary>The finding repaired.</summary>
    public AuditFindingKind Kind { get; init; }

    /// <summary>CopiedProvenVersion, CopiedUnprovenVersion, RestoredFromStream or WroteReconciliationRecord.</summary>
    public string Action { get; init; } = "";

    /// <summary>The order.</summary>
    public string OrderId { get; init; } = "";

    /// <summary>The item's sort key when known.</summary>
    public string? Timestamp { get; init; }

    /// <summary>The audit bucket.</summary>
    public string BucketName { get; init; } = "";

    /// <summary>The key written (the finding's key for a copy or a stream restore; a reconciliation key otherwise).</summary>
    public string Key { get; init; } = "";

    /// <summary>The version id S3 gave what was written (a new current version; the older ones stay).</summary>
    public string? VersionId { get; init; }

    /// <summary>The version copied back, or the stream sequence number the record was read again from.</summary>
    public string? Source { get; init; }

    /// <summary>True when a digest proves what was restored (the digested bytes, or the stream record it names).</summary>
    public bool DigestProven { get; init; }

    /// <summary>The SHA-256 (hex) of the bytes written: what the repair record vouches for.</summary>
    public string? WrittenSha256 { get; init; }

    /// <summary>The signed repair record (<c>repairs/&lt;day&gt;/&lt;id&gt;.json</c> in the audit bucket).</summary>
    public string? RepairRecordKey { get; init; }

    /// <summary>Who repaired: the caller's ARN from STS GetCallerIdentity.</summary>
    public string? CallerArn { get; init; }

    /// <summary>What a person should know: not digest-proven, or the original lost.</summary>
    public string? Note { get; init; }
}
