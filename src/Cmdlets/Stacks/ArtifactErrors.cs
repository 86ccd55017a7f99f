using System.Globalization;
using System.Net;
using Amazon.S3;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>Runs one S3 call on the artifacts bucket so that a failure names the operation and the bucket.</summary>
internal static class S3Call
{
    public static async Task<T> RunAsync<T>(string operation, ArtifactBucket bucket, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonS3Exception error)
        {
            throw ArtifactErrors.Named(operation, bucket, error);
        }
    }
}

/// <summary>The errors of the artifacts bucket, with their stable ids (documented in New-OrderMonitoringStack's help).</summary>
internal static class ArtifactErrors
{
    public const string NotOwnedId = "ArtifactBucketNotOwned";
    public const string NotVersionedId = "ArtifactBucketNotVersioned";
    public const string ChangedId = "ArtifactChanged";

    public static OrderMonitoringException NotOwned(ArtifactBucket bucket) =>
        new(NotOwnedId, FailureKind.PermissionDenied,
            $"The artifacts bucket {bucket.Name} exists but is not one of account {bucket.OwnerAccountId}'s buckets: another account owns it. "
            + "Its owner could replace the template CloudFormation runs and the code Lambda runs, so nothing was uploaded or deployed.",
            "Pass -ArtifactBucketName with a bucket this account owns, or a new name (the module creates it, private and versioned). "
            + "If nobody in your organisation created a bucket with that name, treat it as an attempt to intercept deployments and report it.");

    public static OrderMonitoringException NotVersioned(ArtifactBucket bucket) =>
        new(NotVersionedId, FailureKind.InvalidState,
            $"S3 returned no version id for an upload to the artifacts bucket {bucket.Name}: versioning is off or suspended, so the function could not be pinned to the code it was deployed with.",
            $"Turn versioning on for {bucket.Name} (aws s3api put-bucket-versioning --bucket {bucket.Name} --versioning-configuration Status=Enabled) and run again.");

    public static OrderMonitoringException Changed(ArtifactBucket bucket, string key) =>
        new(ChangedId, FailureKind.InvalidState,
            $"s3://{bucket.Name}/{key} no longer holds the module's file: its bytes changed after they were checked, so nothing was deployed.",
            $"Find out who else writes to {bucket.Name} (CloudTrail data events), then run again: the file is uploaded anew.");

    /// <summary>
    /// The S3 error as one of ours (same code, status and request id, so its ErrorId stays <c>AwsService.&lt;code&gt;</c>),
    /// its message naming the operation and the bucket.
    /// </summary>
    public static AwsServiceException Named(string operation, ArtifactBucket bucket, AmazonS3Exception error)
    {
        var forbidden = error.StatusCode == HttpStatusCode.Forbidden
            ? $"; S3 also answers 403 when the bucket does not belong to account {bucket.OwnerAccountId}"
            : "";
        var code = string.IsNullOrEmpty(error.ErrorCode) ? ((int)error.StatusCode).ToString(CultureInfo.InvariantCulture) : error.ErrorCode;
        return new AwsServiceException("S3", operation, code, $"{error.Message} (artifacts bucket {bucket.Name}{forbidden})", error.RequestId,
            error.StatusCode, isRetryable: false, innerException: error);
    }
}
