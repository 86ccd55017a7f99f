using Amazon.S3;
using Amazon.S3.Model;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// What an artifacts bucket must have: versioning (the function is pinned to an object version), default encryption
/// and a public access block; a bucket the module creates also denies non-TLS access. Settings a bucket already has
/// are kept (a KMS bucket stays KMS, a bucket policy of the user's own is not rewritten).
/// </summary>
internal sealed class ArtifactBucketSettings
{
    private readonly IAmazonS3 _s3;
    private readonly ArtifactBucket _bucket;
    private readonly string _partition;

    public ArtifactBucketSettings(IAmazonS3 s3, ArtifactBucket bucket, string region)
    {
        _s3 = s3;
        _bucket = bucket;
        _partition = Amazon.RegionEndpoint.GetBySystemName(region).PartitionName ?? "aws";
    }

    /// <summary>Turns on what is missing of versioning and encryption, and blocks public access.</summary>
    public async Task CompleteAsync(Foundation.IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var versioning = await Call("GetBucketVersioning", () => _s3.GetBucketVersioningAsync(
            new GetBucketVersioningRequest { BucketName = _bucket.Name, ExpectedBucketOwner = _bucket.OwnerAccountId }, cancellationToken)).ConfigureAwait(false);
        if (versioning.VersioningConfig?.Status != VersionStatus.Enabled)
        {
            await Call("PutBucketVersioning", () => _s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = _bucket.Name,
                ExpectedBucketOwner = _bucket.OwnerAccountId,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            }, cancellationToken)).ConfigureAwait(false);
            reporter.Verbose($"Turned on versioning for {_bucket.Name}: the function runs the object version it was deployed with.");
        }

        // A bucket that is encrypted already keeps its settings: rewriting them would turn a KMS bucket into SSE-S3.
        if (!await HasDefaultEncryptionAsync(cancellationToken).ConfigureAwait(false))
        {
            await Call("PutBucketEncryption", () => _s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
            {
                BucketName = _bucket.Name,
                ExpectedBucketOwner = _bucket.OwnerAccountId,
                ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                {
                    ServerSideEncryptionRules = new List<ServerSideEncryptionRule>
                    {
                        new() { ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 } },
                    },
                },
            }, cancellationToken)).ConfigureAwait(false);
            reporter.Verbose($"Turned on default encryption (SSE-S3) for {_bucket.Name}.");
        }

        await Call("PutPublicAccessBlock", () => _s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = _bucket.Name,
            ExpectedBucketOwner = _bucket.OwnerAccountId,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
            {
                BlockPublicAcls = true, BlockPublicPolicy = true, IgnorePublicAcls = true, RestrictPublicBuckets = true,
            },
        }, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The bucket policy of a bucket the module created: every request that does not use TLS is denied.</summary>
    public Task DenyInsecureTransportAsync(CancellationToken cancellationToken) =>
        Call("PutBucketPolicy", () => _s3.PutBucketPolicyAsync(new PutBucketPolicyRequest
        {
            BucketName = _bucket.Name, ExpectedBucketOwner = _bucket.OwnerAccountId, Policy = TlsOnlyPolicy(_partition, _bucket.Name),
        }, cancellationToken));

    /// <summary>Deny <c>s3:*</c> on the bucket and its objects when <c>aws:SecureTransport</c> is false.</summary>
    internal static string TlsOnlyPolicy(string partition, string bucket) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecureTransport\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
        + $"\"Resource\":[\"arn:{partition}:s3:::{bucket}\",\"arn:{partition}:s3:::{bucket}/*\"],"
        + "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}";

    private Task<bool> HasDefaultEncryptionAsync(CancellationToken cancellationToken) =>
        S3Call.RunAsync("GetBucketEncryption", _bucket, async () =>
        {
            try
            {
                var response = await _s3.GetBucketEncryptionAsync(
                    new GetBucketEncryptionRequest { BucketName = _bucket.Name, ExpectedBucketOwner = _bucket.OwnerAccountId }, cancellationToken).ConfigureAwait(false);
                return response.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules is { Count: > 0 };
            }
            catch (AmazonS3Exception error) when (error.ErrorCode == "ServerSideEncryptionConfigurationNotFoundError")
            {
                return false;
            }
        });

    private Task<T> Call<T>(string operation, Func<Task<T>> call) => S3Call.RunAsync(operation, _bucket, call);
}
