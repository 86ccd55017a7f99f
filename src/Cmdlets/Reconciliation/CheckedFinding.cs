using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// A finding with what its repair needs: the item as it is now (MissingAudit, StaleAudit), the latest audited record
/// (MissingRemove), the delete markers over the newest version (DeletedAudit) or the first version (TamperedAudit).
/// </summary>
internal sealed record CheckedFinding(AuditFindingKind Kind, string OrderId, string? Timestamp, string? Key, string Detail)
{
    public TableItem? Item { get; init; }

    public AuditDocument? LatestRecord { get; init; }

    /// <summary>The order's newest stream record when checked, which a reconciliation record is written after.</summary>
    public string? AfterSequence { get; init; }

    public IReadOnlyList<string> DeleteMarkers { get; init; } = Array.Empty<string>();

    public string? FirstVersionId { get; init; }

    /// <summary>
    /// The version whose bytes hash to the digested SHA-256 (what a repair copies back as a new current version); null
    /// when no such version is left or no digest covers the key.
    /// </summary>
    public string? ProvenVersionId { get; init; }

    /// <summary>The digest that lists the key (or, for a digest finding, the digest itself).</summary>
    public string? DigestKey { get; init; }

    /// <summary>The SHA-256 (hex) the digest gives for the key's bytes.</summary>
    public string? DigestedSha256 { get; init; }

    /// <summary>The stream record the digest names for the key (sequence number and event id), when it names one.</summary>
    public string? SequenceNumber { get; init; }

    public string? EventId { get; init; }

    /// <summary>For a gap in the seals: the later seal and the span (the earlier seal is <see cref="DigestKey"/>, <see cref="DigestedSha256"/>).</summary>
    public Integrity.SealGap? Gap { get; init; }

    /// <summary>True when <paramref name="finding"/> names the same thing (kind, order, item and key; for a gap in the seals, which gap: every one is on seals/).</summary>
    public bool Matches(AuditFinding finding) =>
        finding.Kind == Kind && string.Equals(finding.OrderId, OrderId, StringComparison.Ordinal)
        && string.Equals(finding.Timestamp, Timestamp, StringComparison.Ordinal) && string.Equals(finding.Key, Key, StringComparison.Ordinal)
        && (Gap is null || string.Equals(finding.Detail, Detail, StringComparison.Ordinal));

    public AuditFinding ToPublic(string environment, string stackName) => new()
    {
        Kind = Kind,
        OrderId = OrderId,
        Timestamp = Timestamp,
        Key = Key,
        Detail = Detail,
        Environment = environment,
        StackName = stackName,
    };
}
