using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// The reads verification needs from a versioned bucket (S3 in production, fakes in tests): version listings, the
/// exact bytes of a version, and the SHA-256 S3 stored with it.
/// </summary>
internal interface IVersionedObjects
{
    /// <summary>One page of versions and delete markers under <paramref name="prefix"/>: by key, newest first within a key.</summary>
    Task<AuditVersionPage> ListVersionsAsync(string bucketName, string prefix, VersionMarker? marker, CancellationToken cancellationToken);

    /// <summary>
    /// The exact bytes of one version (null: the current one); null when it does not exist. Throws
    /// <see cref="UnreadableObjectException"/> when the object is larger than <paramref name="maxBytes"/> or the store
    /// refuses to give it (archived, access denied).
    /// </summary>
    Task<byte[]?> ReadBytesAsync(string bucketName, string key, string? versionId, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// The SHA-256 (hex) S3 keeps for the version's whole object (written with a SHA-256 checksum), or null when the
    /// version has none (written without one, or in parts); the caller then reads the bytes and hashes them.
    /// </summary>
    Task<string?> StoredSha256Async(string bucketName, string key, string versionId, CancellationToken cancellationToken);

    /// <summary>The digest key the processor wrote into the version's metadata, or null (none, or the version is gone).</summary>
    Task<string?> DigestKeyOfAsync(string bucketName, string key, string versionId, CancellationToken cancellationToken);
}

/// <summary>One version of an object, or a delete marker; <see cref="LastModified"/> null when the store does not say.</summary>
internal sealed record ObjectVersion(string Key, string VersionId, bool IsLatest, bool IsDeleteMarker, DateTime? LastModified = null);

/// <summary>A page of versions; <see cref="Next"/> is null on the last page.</summary>
internal sealed record AuditVersionPage(IReadOnlyList<ObjectVersion> Versions, VersionMarker? Next);

/// <summary>An object a reader cannot take (too large to be an audit document, archived, refused): one finding, never the end of a check.</summary>
internal sealed class UnreadableObjectException(string key, string reason) : Exception($"{key} cannot be read: {reason}")
{
    public string Reason { get; } = reason;

    public static UnreadableObjectException TooLarge(string key, long size, long limit) =>
        new(key, $"it is {size:N0} bytes, more than the {limit:N0} an audit document can be");
}
