using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>One object version or delete marker.</summary>
internal readonly record struct ObjectVersionId(string Key, string? VersionId);

/// <summary>Where ListObjectVersions continues: S3 pages versions by two markers, kept together as one typed token.</summary>
internal sealed record VersionMarker(string? KeyMarker, string? VersionIdMarker);

/// <summary>One page of ListObjectVersions (versions and delete markers together) for emptying a bucket.</summary>
internal sealed record BucketVersionPage(IReadOnlyList<ObjectVersionId> Versions, bool IsTruncated, VersionMarker Next);

/// <summary>The S3 calls that empty and delete a versioned bucket.</summary>
internal interface IVersionedBucketClient
{
    /// <summary>One page from the marker on (the first page for null); null when the bucket does not exist.</summary>
    Task<BucketVersionPage?> ListVersionsAsync(string bucket, VersionMarker? marker, CancellationToken cancellationToken);

    /// <summary>Deletes up to 1,000 versions in one call; returns "key: code message" for each one S3 refused.</summary>
    Task<IReadOnlyList<string>> DeleteVersionsAsync(string bucket, IReadOnlyList<ObjectVersionId> versions, CancellationToken cancellationToken);

    /// <summary>Deletes the empty bucket; false when S3 says it is not empty (versions written meanwhile).</summary>
    Task<bool> DeleteBucketAsync(string bucket, CancellationToken cancellationToken);
}

/// <summary><see cref="IVersionedBucketClient"/> on the SDK's S3 client.</summary>
internal sealed class S3VersionedBucketClient : IVersionedBucketClient
{
    private readonly IAmazonS3 _s3;

    public S3VersionedBucketClient(IAmazonS3 s3) => _s3 = s3;

    public async Task<BucketVersionPage?> ListVersionsAsync(string bucket, VersionMarker? marker, CancellationToken cancellationToken)
    {
        try
        {
            var page = await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, KeyMarker = marker?.KeyMarker, VersionIdMarker = marker?.VersionIdMarker },
                cancellationToken).ConfigureAwait(false);
            var versions = (page.Versions ?? new List<S3ObjectVersion>()).Select(v => new ObjectVersionId(v.Key, v.VersionId)).ToList();
            return new BucketVersionPage(versions, page.IsTruncated == true, new VersionMarker(page.NextKeyMarker, page.NextVersionIdMarker));
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound && error.ErrorCode == "NoSuchBucket")
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> DeleteVersionsAsync(string bucket, IReadOnlyList<ObjectVersionId> versions, CancellationToken cancellationToken)
    {
        var delete = new DeleteObjectsRequest { BucketName = bucket, Quiet = true };
        foreach (var version in versions)
        {
            delete.AddKey(version.Key, version.VersionId);
        }

        var result = await _s3.DeleteObjectsAsync(delete, cancellationToken).ConfigureAwait(false);
        return (result.DeleteErrors ?? new List<DeleteError>()).Select(e => $"{e.Key}: {e.Code} {e.Message}").ToList();
    }

    public async Task<bool> DeleteBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            await _s3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception error) when (error.ErrorCode == "BucketNotEmpty")
        {
            return false;
        }
    }
}
