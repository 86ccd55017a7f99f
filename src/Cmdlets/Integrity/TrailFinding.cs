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

    /// <summary>For a gap between two seals: the later seal and the span (the earlier seal is <see cref="DigestKey"/>, <see cref="DigestedSha256"/>).</summary>
    public SealGap? Gap { get; init; }
}

/// <summary>
/// A gap in the seals' schedule between two seals: the later one (key and SHA-256 of its bytes) and when each was
/// sealed. What Repair-OrderAuditLog -AcknowledgeSealGap names in its record.
/// </summary>
internal sealed record SealGap(Processor.Digests.DigestLink Later, DateTimeOffset From, DateTimeOffset To)
{
    public string Span => $"{From:u} to {To:u}";
}
