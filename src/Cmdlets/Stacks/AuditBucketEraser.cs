using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Cmdlets.Shell;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>Deletes a versioned bucket completely: every object version, every delete marker, then the bucket.</summary>
internal sealed class AuditBucketEraser
{
    private readonly IAmazonS3 _s3;

    public AuditBucketEraser(IAmazonS3 s3) => _s3 = s3;

    /// <summary>Erases <paramref name="bucket"/>; a bucket that does not exist is already erased.</summary>
    public async Task EraseAsync(string bucket, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        long deleted = 0;
        try
        {
            var request = new ListVersionsRequest { BucketName = bucket };
            ListVersionsResponse page;
            do
            {
                page = await _s3.ListVersionsAsync(request, cancellationToken).ConfigureAwait(false);
                var versions = page.Versions ?? new List<S3ObjectVersion>();
                if (versions.Count > 0)
                {
                    // One listing page holds at most 1,000 entries: exactly one DeleteObjects call.
                    var delete = new DeleteObjectsRequest { BucketName = bucket, Quiet = true };
                    foreach (var version in versions)
                    {
                        delete.AddKey(version.Key, version.VersionId);
                    }

                    var result = await _s3.DeleteObjectsAsync(delete, cancellationToken).ConfigureAwait(false);
                    if (result.DeleteErrors is { Count: > 0 } errors)
                    {
                        throw new OrderMonitoringException("AuditDataDeletionFailed", FailureKind.OperationFailed,
                            $"{errors.Count} object versions in {bucket} could not be deleted; first: {errors[0].Key}: {errors[0].Code} {errors[0].Message}",
                            "Check the bucket policy and object lock settings, then run again.");
                    }

                    deleted += versions.Count;
                    reporter.Progress(new OperationProgress(2, $"Deleting audit data in {bucket}", $"{deleted} versions and delete markers deleted"));
                }

                request.KeyMarker = page.NextKeyMarker;
                request.VersionIdMarker = page.NextVersionIdMarker;
            }
            while (page.IsTruncated == true);

            await _s3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound && error.ErrorCode == "NoSuchBucket")
        {
            reporter.Verbose($"The audit bucket {bucket} does not exist; nothing to delete.");
            return;
        }

        reporter.Progress(new OperationProgress(2, $"Deleting audit data in {bucket}", "done", Completed: true));
        reporter.Verbose($"Deleted {deleted} object versions and delete markers and the bucket {bucket}.");
    }
}
