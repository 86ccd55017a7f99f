using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary><see cref="IVersionedObjects"/> on S3: ListObjectVersions, GetObject of a version, HeadObject with its checksum.</summary>
internal class S3VersionedObjects : IVersionedObjects
{
    // An unversioned bucket lists every object with this version id.
    private const string NullVersion = "null";

    private readonly IAmazonS3 _s3;

    public S3VersionedObjects(IAmazonS3 s3) => _s3 = s3;

    public async Task<AuditVersionPage> ListVersionsAsync(string bucketName, string prefix, VersionMarker? marker, CancellationToken cancellationToken)
    {
        var request = new ListVersionsRequest { BucketName = bucketName, Prefix = prefix, KeyMarker = marker?.KeyMarker, VersionIdMarker = marker?.VersionIdMarker };

        var response = await _s3.ListVersionsAsync(request, cancellationToken).ConfigureAwait(false);
        var versions = (response.Versions ?? new List<S3ObjectVersion>())
            .Select(v => new ObjectVersion(v.Key, v.VersionId ?? NullVersion, v.IsLatest == true, v.IsDeleteMarker == true, v.LastModified))
            .ToList();
        var next = response.IsTruncated == true ? new VersionMarker(response.NextKeyMarker, response.NextVersionIdMarker) : null;
        return new AuditVersionPage(versions, next);
    }

    public async Task<byte[]?> ReadBytesAsync(string bucketName, string key, string? versionId, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            // "null" names the version written before versioning was enabled; S3 serves it by that id.
            using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucketName, Key = key, VersionId = versionId }, cancellationToken)
                .ConfigureAwait(false);
            if (response.ContentLength > maxBytes)
            {
                throw UnreadableObjectException.TooLarge(key, response.ContentLength, maxBytes);
            }

            using var buffer = new MemoryStream(response.ContentLength > 0 ? (int)response.ContentLength : 4096);
            await response.ResponseStream.CopyToAsync(buffer, 81920, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception refused) when (refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
        {
            // An archived version (InvalidObjectState) or one a policy hides: one finding, the check goes on.
            throw new UnreadableObjectException(key, $"{refused.ErrorCode}: {refused.Message}");
        }
    }

    public async Task<string?> StoredSha256Async(string bucketName, string key, string versionId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
            {
                BucketName = bucketName,
                Key = key,
                VersionId = versionId,
                ChecksumMode = ChecksumMode.ENABLED,
            }, cancellationToken).ConfigureAwait(false);
            return StoredChecksum.ToHex(response.ChecksumSHA256);
        }
        catch (AmazonS3Exception unanswered) when (unanswered.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden
            or HttpStatusCode.NotImplemented or HttpStatusCode.MethodNotAllowed)
        {
            // No stored checksum to be had (an emulator without checksums, an archived version): the caller reads and hashes the bytes.
            return null;
        }
    }

    public async Task<string?> DigestKeyOfAsync(string bucketName, string key, string versionId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucketName, Key = key, VersionId = versionId }, cancellationToken)
                .ConfigureAwait(false);
            return DigestKeyOf(response.Metadata);
        }
        catch (AmazonS3Exception unanswered) when (unanswered.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden)
        {
            return null;
        }
    }

    /// <summary>The digest key in an object's user metadata (x-amz-meta-digest-key), or null.</summary>
    public static string? DigestKeyOf(MetadataCollection? metadata)
    {
        var name = "x-amz-meta-" + Processor.Storage.AuditObjectMetadata.DigestKeyMetadata;
        return metadata is not null && metadata.Keys.Contains(name) && metadata[name] is { Length: > 0 } value ? value : null;
    }
}
