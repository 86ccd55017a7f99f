using Amazon.S3;
using Amazon.S3.Model;

namespace OrderMonitoring.Processor.Storage;

/// <summary>Writes audit objects to an S3 bucket as <c>application/json</c>; encryption is the bucket's default.</summary>
public sealed class S3AuditStore : IAuditStore
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

    public async Task PutAsync(string key, string json, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = BucketName,
            Key = key,
            ContentBody = json,
            ContentType = "application/json",
            // A document of a few kilobytes goes in one piece: its checksum (CRC32, computed by the SDK as before) is
            // sent as a header instead of as the trailer of an aws-chunked body, which costs a chunk-signing stream
            // and its buffers per write.
            UseChunkEncoding = false,
        };
        await _s3.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
