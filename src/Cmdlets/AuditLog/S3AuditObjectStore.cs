using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary><see cref="IAuditObjectStore"/> on S3: ListObjectsV2 and GetObject.</summary>
internal sealed class S3AuditObjectStore : IAuditObjectStore
{
    private readonly IAmazonS3 _s3;

    public S3AuditObjectStore(IAmazonS3 s3) => _s3 = s3;

    public async Task<KeyPage> ListAsync(string bucketName, string prefix, string? continuationToken, CancellationToken cancellationToken)
    {
        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = bucketName,
            Prefix = prefix,
            ContinuationToken = continuationToken,
        }, cancellationToken).ConfigureAwait(false);
        var keys = (response.S3Objects ?? new List<S3Object>()).Select(o => o.Key).ToList();
        return new KeyPage(keys, response.IsTruncated == true ? response.NextContinuationToken : null);
    }

    public async Task<string?> ReadAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _s3.GetObjectAsync(bucketName, key, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream, System.Text.Encoding.UTF8);
            return await reader.ReadToEndAsync().ConfigureAwait(false);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<StoredText?> ReadWithMetadataAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _s3.GetObjectAsync(bucketName, key, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream, System.Text.Encoding.UTF8);
            var json = await reader.ReadToEndAsync().ConfigureAwait(false);
            return new StoredText(json, Integrity.S3VersionedObjects.DigestKeyOf(response.Metadata), response.LastModified);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// GetObject's answer for an object in GLACIER or DEEP_ARCHIVE (a lifecycle rule moved it) until it is restored;
    /// other objects of the same history stay readable.
    /// </summary>
    public static bool IsArchived(Exception error) => error is AmazonS3Exception { ErrorCode: "InvalidObjectState" };
}
