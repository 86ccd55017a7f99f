using Amazon.S3;
using OrderMonitoring.Cmdlets.FailedBatches;

namespace OrderMonitoring.Cmdlets.Status;

/// <summary>How many failed batches wait in a failed-batches bucket, not yet replayed.</summary>
internal interface IFailedBatchCounter
{
    /// <summary>The count; null when the bucket does not exist.</summary>
    Task<int?> CountPendingAsync(string bucketName, CancellationToken cancellationToken);
}

/// <summary>Counts with the same listing the replay uses, so the status and -FailedBatches never disagree.</summary>
internal sealed class S3FailedBatchCounter : IFailedBatchCounter
{
    private readonly IAmazonS3 _s3;

    public S3FailedBatchCounter(IAmazonS3 s3) => _s3 = s3;

    public async Task<int?> CountPendingAsync(string bucketName, CancellationToken cancellationToken)
    {
        try
        {
            // Page by page, as the replay lists them: a large backlog is counted without holding its keys.
            var store = new S3FailedBatchStore(_s3, bucketName);
            var count = 0;
            string? next = null;
            do
            {
                var page = await store.ListPendingPageAsync(next, cancellationToken).ConfigureAwait(false);
                count += page.Keys.Count;
                next = page.Next;
            }
            while (next is not null);

            return count;
        }
        catch (AmazonS3Exception error) when (S3FailedBatchStore.IsMissingBucket(error))
        {
            return null;
        }
    }
}
