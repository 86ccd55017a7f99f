using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// Deletes a versioned bucket completely: every object version, every delete marker, then the bucket. Each page is
/// deleted as it is listed, so a wipe that stops half-way (an error, Ctrl+C) is resumed by running it again.
/// </summary>
internal sealed class AuditBucketEraser(IVersionedBucketClient bucketClient)
{
    public const string ErrorId = "AuditDataDeletionFailed";

    /// <summary>Full passes over the listing before giving up on a bucket that keeps receiving versions.</summary>
    private const int MaxPasses = 3;

    /// <summary>Erases <paramref name="bucket"/>; a bucket that does not exist is already erased.</summary>
    public async Task EraseAsync(string bucket, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        long deleted = 0;
        for (var pass = 1; pass <= MaxPasses; pass++)
        {
            var emptied = await EmptyAsync(bucket, deleted, reporter, cancellationToken).ConfigureAwait(false);
            if (emptied is null)
            {
                reporter.Verbose($"The audit bucket {bucket} does not exist; nothing to delete.");
                return;
            }

            deleted = emptied.Value;
            if (await Step("DeleteBucket", bucket, deleted, () => bucketClient.DeleteBucketAsync(bucket, cancellationToken)).ConfigureAwait(false))
            {
                reporter.Progress(new OperationProgress(2, $"Deleting audit data in {bucket}", "done", Completed: true));
                reporter.Verbose($"Deleted {deleted} object versions and delete markers and the bucket {bucket}.");
                return;
            }

            reporter.Verbose($"S3 says {bucket} is not empty yet (versions written meanwhile); listing it again.");
        }

        throw new OrderMonitoringException(ErrorId, FailureKind.OperationFailed,
            $"S3 DeleteBucket on {bucket} kept answering BucketNotEmpty after {MaxPasses} passes ({deleted} versions deleted); something is still writing to it.",
            "Stop the writer (remove the stack first), then run Remove-OrderMonitoringStack -DeleteAuditData again; it continues where it stopped.");
    }

    /// <summary>One pass over the listing; the running total, or null when the bucket does not exist.</summary>
    private async Task<long?> EmptyAsync(string bucket, long deleted, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var missing = false;
        await Paging.ForEachPageAsync(
            async (VersionMarker? marker, CancellationToken token) =>
                await Step("ListObjectVersions", bucket, deleted, () => bucketClient.ListVersionsAsync(bucket, marker, token)).ConfigureAwait(false),
            page => Next(page, bucket, deleted),
            async page =>
            {
                if (page is null)
                {
                    missing = true;
                    return;
                }

                if (page.Versions.Count > 0)
                {
                    var errors = await Step("DeleteObjects", bucket, deleted, () => bucketClient.DeleteVersionsAsync(bucket, page.Versions, cancellationToken)).ConfigureAwait(false);
                    if (errors.Count > 0)
                    {
                        throw new OrderMonitoringException(ErrorId, FailureKind.OperationFailed,
                            $"S3 DeleteObjects could not delete {errors.Count} object versions in {bucket}; first: {errors[0]}. {deleted} were deleted before.",
                            "Check the bucket policy and object lock settings, then run Remove-OrderMonitoringStack -DeleteAuditData again; it continues where it stopped.");
                    }

                    deleted += page.Versions.Count;
                    reporter.Progress(new OperationProgress(2, $"Deleting audit data in {bucket}", $"{deleted} versions and delete markers deleted"));
                }
            },
            cancellationToken).ConfigureAwait(false);
        return missing ? null : deleted;
    }

    /// <summary>
    /// Where the listing goes on, or null at its end. An empty page that says more follow is not the end: S3 may return
    /// one, and stopping there would leave versions behind (and DeleteBucket would fail). Only a listing that gives
    /// nothing to continue from is an error.
    /// </summary>
    private static VersionMarker? Next(BucketVersionPage? page, string bucket, long deleted)
    {
        if (page is null || !page.IsTruncated)
        {
            return null;
        }

        if (page.Next is { KeyMarker: null, VersionIdMarker: null })
        {
            throw new OrderMonitoringException(ErrorId, FailureKind.OperationFailed,
                $"S3 ListObjectVersions on {bucket} said more versions follow but gave no marker to continue from ({deleted} versions deleted).",
                "Run Remove-OrderMonitoringStack -DeleteAuditData again; it continues where it stopped.");
        }

        return page.Next;
    }

    private static async Task<T> Step<T>(string operation, string bucket, long deleted, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception error) when (error is AmazonServiceException or HttpRequestException)
        {
            throw new OrderMonitoringException(ErrorId, FailureKind.OperationFailed,
                $"S3 {operation} on {bucket} failed after {deleted} versions were deleted: {error.Message}",
                "Fix the cause, then run Remove-OrderMonitoringStack -DeleteAuditData again; it continues where it stopped.", error);
        }
    }
}
