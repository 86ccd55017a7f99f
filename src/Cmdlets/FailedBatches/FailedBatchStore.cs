using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

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
/// <c>replayed/&lt;its key&gt;</c>: the record itself is never changed, and each page of records is checked against
/// the markers of its own key range.
/// </summary>
internal sealed class S3FailedBatchStore(IAmazonS3 s3, string bucket, int pageSize = S3FailedBatchStore.DefaultPageSize) : IFailedBatchStore
{
    /// <summary>ListObjectsV2's largest page: the most failure records held at once.</summary>
    public const int DefaultPageSize = 1000;

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

    /// <summary>
    /// One ListObjectsV2 page of failure records, less those with a replayed marker. Pages come in key order, which is
    /// oldest first within each shard (the key holds the mapping, the shard and the time), where order matters: one
    /// order's records stay in one shard.
    /// </summary>
    public async Task<PendingPage> ListPendingPageAsync(string? next, CancellationToken cancellationToken)
    {
        var page = await s3.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = bucket, Prefix = RecordPrefix, ContinuationToken = next, MaxKeys = pageSize }, cancellationToken).ConfigureAwait(false);
        var keys = (page.S3Objects ?? new List<S3Object>()).Select(record => record.Key).ToList();
        var replayed = await ReplayedAmongAsync(keys, cancellationToken).ConfigureAwait(false);
        return new PendingPage(keys.Where(key => !replayed.Contains(key)).ToList(), page.IsTruncated == true ? page.NextContinuationToken : null);
    }

    /// <summary>
    /// The keys of the page that have a replayed marker: one listing of the markers from just before the page's first key
    /// up to its last (markers sort like their records), so only the page's markers are read, never the whole history.
    /// </summary>
    private async Task<HashSet<string>> ReplayedAmongAsync(List<string> keys, CancellationToken cancellationToken)
    {
        var replayed = new HashSet<string>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return replayed;
        }

        var wanted = new HashSet<string>(keys, StringComparer.Ordinal);
        // ListObjectsV2 returns keys in ascending order.
        var first = keys[0];
        var last = ReplayedPrefix + keys[keys.Count - 1];
        // StartAfter is exclusive: the first key less its last character sorts just before the first key's marker.
        var startAfter = ReplayedPrefix + first.Substring(0, first.Length - 1);
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = bucket, Prefix = ReplayedPrefix + RecordPrefix, StartAfter = token is null ? startAfter : null, ContinuationToken = token, MaxKeys = pageSize,
            }, cancellationToken).ConfigureAwait(false);
            var markers = (page.S3Objects ?? new List<S3Object>()).Select(marker => marker.Key).ToList();
            replayed.UnionWith(markers.Select(marker => marker.Substring(ReplayedPrefix.Length)).Where(wanted.Contains));
            token = page.IsTruncated == true && markers.Count > 0 && string.CompareOrdinal(markers[markers.Count - 1], last) < 0 ? page.NextContinuationToken : null;
        }
        while (token is not null);

        return replayed;
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

    /// <summary>True when the error says the bucket does not exist (a stack deployed before it was added).</summary>
    public static bool IsMissingBucket(AmazonS3Exception error) =>
        error.StatusCode == HttpStatusCode.NotFound && string.Equals(error.ErrorCode, "NoSuchBucket", StringComparison.Ordinal);
}
