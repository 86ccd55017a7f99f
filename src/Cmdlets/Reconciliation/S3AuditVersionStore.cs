using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary><see cref="IAuditVersionStore"/> on S3: ListObjectVersions, ListObjectsV2 with a delimiter, Get/Put/CopyObject (never a delete).</summary>
internal sealed class S3AuditVersionStore : S3VersionedObjects, IAuditVersionStore
{
    // An unversioned bucket lists every object with this version id; S3 accepts it back only as "no version".
    private const string NullVersion = "null";

    private readonly IAmazonS3 _s3;

    public S3AuditVersionStore(IAmazonS3 s3)
        : base(s3) => _s3 = s3;

    public async Task<FolderPage> ListFoldersAsync(string bucketName, string prefix, string? continuationToken, CancellationToken cancellationToken)
    {
        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = bucketName,
            Prefix = prefix,
            Delimiter = "/",
            ContinuationToken = continuationToken,
        }, cancellationToken).ConfigureAwait(false);
        var keys = (response.S3Objects ?? new List<S3Object>()).Select(o => o.Key).ToList();
        return new FolderPage(response.CommonPrefixes ?? new List<string>(), keys, response.IsTruncated == true ? response.NextContinuationToken : null);
    }

    public async Task<string?> ReadAsync(string bucketName, string key, string? versionId, CancellationToken cancellationToken)
    {
        try
        {
            var request = new GetObjectRequest { BucketName = bucketName, Key = key, VersionId = Specific(versionId) };
            using var response = await _s3.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream, System.Text.Encoding.UTF8);
            return await reader.ReadToEndAsync().ConfigureAwait(false);
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<string?> PutAsync(string bucketName, string key, string json, CancellationToken cancellationToken)
    {
        var response = await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucketName,
            Key = key,
            ContentBody = json,
            ContentType = "application/json",
        }, cancellationToken).ConfigureAwait(false);
        return response.VersionId;
    }

    public async Task<byte[]?> ReadBytesAsync(string bucketName, string key, string versionId, CancellationToken cancellationToken)
    {
        try
        {
            // "null" names the version written before versioning was enabled; S3 accepts it as a version id.
            using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucketName, Key = key, VersionId = versionId }, cancellationToken)
                .ConfigureAwait(false);
            using var bytes = new MemoryStream();
            await response.ResponseStream.CopyToAsync(bytes, 81920, cancellationToken).ConfigureAwait(false);
            return bytes.ToArray();
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<string?> RestoreVersionAsync(string bucketName, string key, string versionId, CancellationToken cancellationToken)
    {
        var response = await _s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucketName,
            SourceKey = key,
            // Always the named version, "null" included: copying "the current version" over a delete marker or a forged
            // current version would restore the wrong bytes.
            SourceVersionId = versionId,
            DestinationBucket = bucketName,
            DestinationKey = key,
        }, cancellationToken).ConfigureAwait(false);
        return response.VersionId;
    }

    private static string? Specific(string? versionId) => versionId is null or NullVersion ? null : versionId;
}
