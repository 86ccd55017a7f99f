using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>Where failed batches are kept (the stack's failed-batches bucket), and which of them were replayed.</summary>
internal interface IFailedBatchStore : IFailedBatchSource
{
    /// <summary>Writes a failure record (the local run's, in Lambda's format).</summary>
    Task PutAsync(string key, string json, CancellationToken cancellationToken);
}

/// <summary>
/// The failed-batches bucket. Lambda writes each record at <c>aws/lambda/&lt;mapping UUID&gt;/&lt;shard id&gt;/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-&lt;UUID&gt;</c>;
/// the local run writes the same layout with <c>local</c> for the mapping. A replayed record gets a marker object at
/// <c>replayed/&lt;its key&gt;</c>: the record itself is never changed, and two listings tell what is left.
/// </summary>
internal sealed class S3FailedBatchStore(IAmazonS3 s3, string bucket) : IFailedBatchStore
{
    public const string RecordPrefix = "aws/lambda/";
    public const string ReplayedPrefix = "replayed/";
    public const string LocalMapping = "local";

    public string Location => $"s3://{bucket}";

    public string WhenReplayed => "mark the batch replayed";

    public string SourceOf(string key) => $"{Location}/{key}";

    /// <summary>The key of a record the local run writes for a shard.</summary>
    public static string LocalKey(string shardId, DateTimeOffset at, Guid id)
    {
        var utc = at.UtcDateTime;
        return RecordPrefix + LocalMapping + "/" + shardId + "/" + utc.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture) + "/"
            + utc.ToString("yyyy-MM-dd'T'HH'.'mm'.'ss", CultureInfo.InvariantCulture) + "-" + id.ToString("D");
    }

    public async Task<IReadOnlyList<string>> ListPendingAsync(CancellationToken cancellationToken)
    {
        var records = await ListAsync(RecordPrefix, cancellationToken).ConfigureAwait(false);
        var replayed = new HashSet<string>((await ListAsync(ReplayedPrefix, cancellationToken).ConfigureAwait(false))
            .Select(marker => marker.Key.Substring(ReplayedPrefix.Length)), StringComparer.Ordinal);
        return records.Where(record => !replayed.Contains(record.Key))
            .OrderBy(record => record.LastModified ?? DateTime.MinValue).ThenBy(record => record.Key, StringComparer.Ordinal)
            .Select(record => record.Key).ToList();
    }

    public async Task<string> ReadAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }

    public Task PutAsync(string key, string json, CancellationToken cancellationToken) =>
        s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = json, ContentType = "application/json" }, cancellationToken);

    public Task MarkReplayedAsync(string key, string note, CancellationToken cancellationToken) =>
        s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = ReplayedPrefix + key, ContentBody = note, ContentType = "application/json" },
            cancellationToken);

    private Task<List<(string Key, DateTime? LastModified)>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        Paging.ReadAllAsync(
            (token, cancel) => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token }, cancel),
            page => page.IsTruncated == true ? page.NextContinuationToken : null,
            page => (page.S3Objects ?? new List<S3Object>()).Select(o => (o.Key, o.LastModified)),
            cancellationToken);

    /// <summary>True when the error says the bucket does not exist (a stack deployed before it was added).</summary>
    public static bool IsMissingBucket(AmazonS3Exception error) =>
        error.StatusCode == HttpStatusCode.NotFound && string.Equals(error.ErrorCode, "NoSuchBucket", StringComparison.Ordinal);
}
