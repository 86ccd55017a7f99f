using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// One digest key as found in the bucket: the document vouched for (the current version, or the newest surviving
/// version that verifies when the current one is deleted or changed), the SHA-256 of the bytes read (what a link to
/// it names), and what is wrong with the key itself.
/// </summary>
internal sealed record StoredDigest(string Key, DigestDocument? Document, string? Sha256, DigestSignatureCheck Signature)
{
    /// <summary>The current version is a delete marker (or no version is left at all).</summary>
    public bool Deleted { get; init; }

    /// <summary>No version of the key is left.</summary>
    public bool Gone { get; init; }

    /// <summary>The current version's bytes hash to this (differs from <see cref="Sha256"/> when an older version is what verifies).</summary>
    public string? CurrentSha256 { get; init; }

    /// <summary>Why the current version cannot be trusted (not a digest, bad signature, stored under another key); null when it can.</summary>
    public string? Problem { get; init; }

    /// <summary>When the key's first version was written (S3's time).</summary>
    public DateTime? FirstWritten { get; init; }

    /// <summary>The document can vouch for objects: it parsed and its signature verifies (or it is unsigned; sealing decides later).</summary>
    public bool Usable => Document is not null && Signature != DigestSignatureCheck.Invalid;
}
