using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Processor.Storage;

/// <summary><see cref="ISealStore"/> on the audit bucket: ListObjectsV2, GetObject and a conditional PutObject.</summary>
public sealed class S3SealStore : ISealStore
{
    private readonly IAmazonS3 _s3;
    private readonly string _bucketName;

    public S3SealStore(IAmazonS3 s3, string bucketName)
    {
        _s3 = s3 ?? throw new ArgumentNullException(nameof(s3));
        _bucketName = string.IsNullOrWhiteSpace(bucketName) ? throw new ArgumentException("An audit bucket name is required.", nameof(bucketName)) : bucketName;
    }

    public async Task<IReadOnlyList<string>> ListKeysAsync(string prefix, string? startAfter, CancellationToken cancellationToken) =>
        await Paging.ReadAllAsync<ListObjectsV2Response, string, string>(
            (next, token) => _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucketName, Prefix = prefix, StartAfter = startAfter, ContinuationToken = next }, token),
            page => page.IsTruncated == true ? page.NextContinuationToken : null,
            page => (page.S3Objects ?? new List<S3Object>()).Select(o => o.Key),
            cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken) =>
        await Paging.ReadAllAsync<ListObjectsV2Response, string, string>(
            (next, token) => _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucketName, Prefix = prefix, Delimiter = "/", ContinuationToken = next }, token),
            page => page.IsTruncated == true ? page.NextContinuationToken : null,
            page => page.CommonPrefixes ?? new List<string>(),
            cancellationToken).ConfigureAwait(false);

    public async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _s3.GetObjectAsync(_bucketName, key, cancellationToken).ConfigureAwait(false);
            using var bytes = new MemoryStream();
            await response.ResponseStream.CopyToAsync(bytes, 81920, cancellationToken).ConfigureAwait(false);
            return bytes.ToArray();
        }
        catch (AmazonS3Exception missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<bool> PutIfAbsentAsync(string key, string json, CancellationToken cancellationToken)
    {
        var request = S3AuditStore.WriteRequest(_bucketName, key, json);
        request.IfNoneMatch = "*";
        try
        {
            await _s3.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception taken) when (taken.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            return false;
        }
    }
}
