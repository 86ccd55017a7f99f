using System.Collections.Specialized;

namespace OrderMonitoring;

/// <summary>
/// One audit object read back from the audit bucket: every field the processor writes (or, for a quarantined
/// record, the reason and the record kept whole).
/// </summary>
public sealed class OrderAuditRecord
{
    /// <summary>The order id (null for a quarantined record whose id could not be read).</summary>
    public string? OrderId { get; init; }

    /// <summary>The item's timestamp exactly as stored (every digit kept).</summary>
    public string? Timestamp { get; init; }

    /// <summary>The timestamp as a point in time when it is valid epoch milliseconds.</summary>
    public DateTimeOffset? EventTime { get; init; }

    /// <summary>The status after the change.</summary>
    public string? Status { get; init; }

    /// <summary>The status before the change (MODIFY, REMOVE).</summary>
    public string? PreviousStatus { get; init; }

    /// <summary>INSERT, MODIFY or REMOVE.</summary>
    public string? EventType { get; init; }

    /// <summary>The stream record's event id.</summary>
    public string? EventId { get; init; }

    /// <summary>The stream sequence number (as text: up to 40 digits).</summary>
    public string? SequenceNumber { get; init; }

    /// <summary>When DynamoDB recorded the change.</summary>
    public DateTimeOffset? ApproximateCreationTime { get; init; }

    /// <summary>When the processor wrote the audit object (quarantine time for quarantined records).</summary>
    public DateTimeOffset? ProcessedAt { get; init; }

    /// <summary>The environment the processor ran for.</summary>
    public string? Environment { get; init; }

    /// <summary>REMOVE only: ttl or user.</summary>
    public string? DeletedBy { get; init; }

    /// <summary>The item after the change, as an ordered hashtable.</summary>
    public OrderedDictionary? NewImage { get; init; }

    /// <summary>The item before the change, as an ordered hashtable.</summary>
    public OrderedDictionary? OldImage { get; init; }

    /// <summary>True for a record from the quarantine area.</summary>
    public bool Quarantined { get; init; }

    /// <summary>Quarantined records: why the record could not be audited.</summary>
    public string? QuarantineReason { get; init; }

    /// <summary>True for a record Repair-OrderAuditLog wrote (reconciled with the table), not the processor.</summary>
    public bool Reconciled => ReconciledFor is not null;

    /// <summary>Reconciliation records: the finding they repaired (MissingAudit, StaleAudit, MissingRemove).</summary>
    public string? ReconciledFor { get; init; }

    /// <summary>The audit schema version.</summary>
    public int? SchemaVersion { get; init; }

    /// <summary>The S3 bucket.</summary>
    public string BucketName { get; init; } = "";

    /// <summary>The S3 key.</summary>
    public string Key { get; init; } = "";

    /// <summary>
    /// True when the object is in an archive storage class (GLACIER, DEEP_ARCHIVE) and could not be read: only
    /// OrderId, BucketName, Key and <see cref="RestoreHint"/> are set until it is restored.
    /// </summary>
    public bool Archived { get; init; }

    /// <summary>Archived records: how to restore the object (AWS CLI and AWS Tools for PowerShell).</summary>
    public string? RestoreHint { get; init; }

    /// <summary>
    /// How the object stands against the digest its metadata names: Proven (listed with these exact bytes by a digest
    /// whose signature verifies), Repaired (a signed repair record vouches for these bytes), Tampered (listed with other
    /// bytes), NotInDigest (no digest lists it: the processor never wrote it), Unsigned (written before digests, or
    /// listed by an unsigned digest); null when not checked (no digest key's public key, or -Raw).
    /// </summary>
    public string? Integrity { get; internal set; }
}
