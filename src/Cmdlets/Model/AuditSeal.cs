using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring;

/// <summary>
/// The seal Invoke-OrderEventProcessor -Seal wrote (OrderMonitoring.AuditSeal): a signed statement naming the newest
/// digest of every chain, linked to the previous seal, that lets Test-OrderAuditLog find a deleted chain tail or seal.
/// </summary>
public sealed class AuditSeal
{
    /// <summary>The stack whose audit bucket holds the seal.</summary>
    public string StackName { get; init; } = "";

    /// <summary>The seal's key, seals/&lt;yyyy-MM-dd&gt;/&lt;yyyyMMddTHHmmssZ&gt;.json.</summary>
    public string Key { get; init; } = "";

    /// <summary>False when another sealer wrote a seal in the same second (that one stands; nothing was written).</summary>
    public bool Written { get; init; }

    /// <summary>When the digests were listed (UTC).</summary>
    public DateTime SealedAt { get; init; }

    /// <summary>When the next seal is due at the latest (UTC): the stack's seal interval plus a grace.</summary>
    public DateTime NextSealBy { get; init; }

    /// <summary>How many chains' heads the seal names.</summary>
    public int Heads { get; init; }

    /// <summary>The previous seal's key; null for the first seal of the bucket.</summary>
    public string? Previous { get; init; }

    /// <summary>True when signed with the digest key; an unsigned seal seals nothing.</summary>
    public bool Signed { get; init; }

    /// <summary>Why the seal is unsigned (no key, signing failed); null when signed.</summary>
    public string? UnsignedReason { get; init; }

    internal static AuditSeal From(string stackName, SealOutcome outcome) => new()
    {
        StackName = stackName,
        Key = outcome.Seal.Key,
        Written = outcome.Written,
        SealedAt = outcome.Seal.SealedAt.UtcDateTime,
        NextSealBy = outcome.Seal.NextSealBy.UtcDateTime,
        Heads = outcome.Seal.Heads.Count,
        Previous = outcome.Seal.Previous?.Key,
        Signed = outcome.Seal.Signature is not null,
        UnsignedReason = outcome.Seal.Unsigned,
    };
}
