namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// A finding of the verification (the digests, the repair records, the bucket's protection, one object against its
/// digest): reconciliation turns it into a checked finding of the order the key belongs to.
/// </summary>
internal sealed record TrailFinding(AuditFindingKind Kind, string? Key, string Detail)
{
    /// <summary>The digest that lists the key (or, for a digest finding, the digest itself).</summary>
    public string? DigestKey { get; init; }

    public string? DigestedSha256 { get; init; }

    /// <summary>The version whose bytes hash to the digested SHA-256, when one is left.</summary>
    public string? ProvenVersionId { get; init; }

    public string? SequenceNumber { get; init; }

    public string? EventId { get; init; }
}
