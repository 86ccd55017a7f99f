using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>The artifacts bucket of one deployment and the account that must own it (the caller's, from STS).</summary>
internal sealed record ArtifactBucket(string Name, string OwnerAccountId);

/// <summary>A file the module ships (the template, the processor zip): its content-addressed key and its SHA-256.</summary>
/// <param name="Path">The file on disk.</param>
/// <param name="Key"><c>prefix/&lt;sha256 first 12 hex&gt;/&lt;file name&gt;</c>: new content gets a new key.</param>
/// <param name="Sha256Base64">The file's SHA-256 in the form S3 checksums take.</param>
internal sealed record LocalArtifact(string Path, string Key, string Sha256Base64)
{
    public static LocalArtifact Of(string prefix, string path)
    {
        string hex;
        string base64;
        using (var stream = File.OpenRead(path))
        {
            hex = Sha256Hex.Of(stream);
        }

        using (var stream = File.OpenRead(path))
        {
            base64 = Sha256Hex.Base64Of(stream);
        }

        return new LocalArtifact(path, $"{prefix}/{hex.Substring(0, 12)}/{System.IO.Path.GetFileName(path)}", base64);
    }
}

/// <summary>An object version in the artifacts bucket whose bytes are known to be the local file's.</summary>
internal sealed record PublishedArtifact(string Key, string VersionId);

/// <summary>The current object at a key: its version (null or "null" when written before versioning) and S3's stored SHA-256 (null when none).</summary>
internal sealed record StoredArtifact(string? VersionId, string? Sha256Base64);

/// <summary>
/// The bucket deployments upload the processor zip and the template to. Its name can be computed by anyone, so every
/// use is tied to the caller's account: a bucket that is not among the account's own buckets is refused, every call
/// sends ExpectedBucketOwner, and an object is used only in a version whose SHA-256 is the local file's.
/// </summary>
internal interface IArtifactStore
{
    /// <summary>Read-only: true when the account owns the bucket, false when no bucket has the name.</summary>
    /// <exception cref="OrderMonitoringException"><c>ArtifactBucketNotOwned</c> when another account has it.</exception>
    Task<bool> IsOwnedAsync(ArtifactBucket bucket, CancellationToken cancellationToken);

    /// <summary>
    /// Refuses a bucket of another account; creates a missing one private (ACLs off, public access blocked), versioned,
    /// encrypted and TLS-only; gives an owned one what it lacks of versioning, encryption and the public access block.
    /// </summary>
    Task EnsureBucketAsync(ArtifactBucket bucket, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>The current object at the key (HeadObject with its checksum); null when nothing is there.</summary>
    Task<StoredArtifact?> HeadAsync(ArtifactBucket bucket, string key, CancellationToken cancellationToken);

    /// <summary>Uploads the file with its SHA-256 (S3 checks it) and returns the new version.</summary>
    Task<PublishedArtifact> UploadAsync(ArtifactBucket bucket, LocalArtifact file, CancellationToken cancellationToken);

    /// <summary>The SHA-256 (base64) of the bytes now at the key, read back whole; null when nothing is there.</summary>
    Task<string?> CurrentSha256Async(ArtifactBucket bucket, string key, CancellationToken cancellationToken);
}
