using Amazon.S3;
using Amazon.S3.Model;

namespace OrderMonitoring.Processor.Storage;

/// <summary>
/// Writes audit objects to an S3 bucket as <c>application/json</c>; encryption is the bucket's default. Each write
/// carries the SHA-256 of its bytes (x-amz-checksum-sha256): S3 checks it on arrival and keeps it with the version, so
/// a verifier learns any version's hash from a HEAD instead of reading it.
/// </summary>
public sealed class S3AuditStore : IDigestNamingStore
{
    private readonly IAmazonS3 _s3;

    public S3AuditStore(IAmazonS3 s3, string bucketName)
    {
        _s3 = s3 ?? throw new ArgumentNullException(nameof(s3));
        BucketName = string.IsNullOrWhiteSpace(bucketName)
            ? throw new ArgumentException("An audit bucket name is required.", nameof(bucketName))
            : bucketName;
    }

    public string BucketName { get; }

    private static byte[] Sha256Of(string json)
    {
        using var sha = System.Security.Cryptography.SHA256.Create();
        return sha.ComputeHash(Audit.JsonOutput.Utf8.GetBytes(json));
    }

    public Task PutAsync(string key, string json, CancellationToken cancellationToken) => PutAsync(key, json, null, cancellationToken);

    public async Task PutAsync(string key, string json, string? digestKey, CancellationToken cancellationToken)
    {
        var request = WriteRequest(BucketName, key, json);
        if (digestKey is not null)
        {
            request.Metadata.Add(AuditObjectMetadata.DigestKeyMetadata, digestKey);
        }

        await _s3.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How every document goes into the audit bucket: JSON, with the SHA-256 S3 checks on arrival and keeps with the version.</summary>
    internal static PutObjectRequest WriteRequest(string bucketName, string key, string json) => new()
    {
        BucketName = bucketName,
        Key = key,
        ContentBody = json,
        ContentType = "application/json",
        ChecksumSHA256 = Convert.ToBase64String(Sha256Of(json)),
        // A document of a few kilobytes goes in one piece, its checksum in a header: an aws-chunked body costs a
        // chunk-signing stream and its buffers per write (about 5 KB of the 67 KB a write allocates).
        UseChunkEncoding = false,
    };
}
