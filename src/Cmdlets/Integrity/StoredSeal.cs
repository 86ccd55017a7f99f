using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// One seal key as found in the bucket (like <see cref="StoredDigest"/>): the seal vouched for (the current version, or
/// the newest surviving version that verifies when the current one is deleted or changed), the SHA-256 of the bytes
/// read (what the next seal's link names), and what is wrong with the key itself.
/// </summary>
internal sealed record StoredSeal(string Key, SealDocument? Document, string? Sha256, DigestSignatureCheck Signature)
{
    /// <summary>The current version is a delete marker (or no version is left at all).</summary>
    public bool Deleted { get; init; }

    /// <summary>No version of the key is left.</summary>
    public bool Gone { get; init; }

    /// <summary>The current version's bytes hash to this.</summary>
    public string? CurrentSha256 { get; init; }

    /// <summary>Why the current version cannot be trusted; null when it can.</summary>
    public string? Problem { get; init; }

    /// <summary>The seal parsed and is not forged (signed and verifying, or unsigned: a later signed seal may still vouch for it).</summary>
    public bool Usable => Document is not null && Signature != DigestSignatureCheck.Invalid;

    /// <summary>True when <paramref name="sha256"/> is the bytes of a version of this key that was read.</summary>
    public bool Holds(string sha256) => string.Equals(Sha256, sha256, StringComparison.Ordinal) || string.Equals(CurrentSha256, sha256, StringComparison.Ordinal);
}
