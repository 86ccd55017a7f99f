using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>The bucket deployments upload the processor zip and the template to.</summary>
internal interface IArtifactStore
{
    /// <summary>
    /// Creates the bucket when missing; either way makes sure it has default encryption (keeping an existing
    /// configuration, e.g. SSE-KMS) and blocks public access.
    /// </summary>
    Task EnsureBucketAsync(string bucket, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Uploads the file unless the key exists already (keys are content-addressed); true when it uploaded.</summary>
    Task<bool> UploadIfMissingAsync(string bucket, string key, string filePath, CancellationToken cancellationToken);
}

/// <summary><see cref="IArtifactStore"/> on S3.</summary>
internal sealed class S3ArtifactStore : IArtifactStore
{
    private readonly IAmazonS3 _s3;
    private readonly string _region;

    public S3ArtifactStore(IAmazonS3 s3, string region)
    {
        _s3 = s3;
        _region = region;
    }

    public async Task EnsureBucketAsync(string bucket, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(bucket, cancellationToken).ConfigureAwait(false))
        {
            reporter.Verbose($"Using the existing artifacts bucket {bucket}.");
        }
        else
        {
            await CreateAsync(bucket, reporter, cancellationToken).ConfigureAwait(false);
        }

        // A bucket that is encrypted already keeps its settings: rewriting them would turn a KMS bucket into SSE-S3.
        if (!await HasDefaultEncryptionAsync(bucket, cancellationToken).ConfigureAwait(false))
        {
            await _s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
            {
                BucketName = bucket,
                ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                {
                    ServerSideEncryptionRules = new List<ServerSideEncryptionRule>
                    {
                        new() { ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 } },
                    },
                },
            }, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"Turned on default encryption (SSE-S3) for {bucket}.");
        }

        await _s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
            {
                BlockPublicAcls = true, BlockPublicPolicy = true, IgnorePublicAcls = true, RestrictPublicBuckets = true,
            },
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> ExistsAsync(string bucket, CancellationToken cancellationToken)
    {
        // CreateBucket cannot tell: in us-east-1 it answers 200 for a bucket the caller already owns.
        try
        {
            await _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new OrderMonitoringException("ArtifactBucketInaccessible", FailureKind.PermissionDenied,
                $"The artifacts bucket {bucket} exists but these credentials may not use it (it may belong to another account).",
                "Pass an -ArtifactBucketName you own, or allow s3:ListBucket, s3:GetObject and s3:PutObject on it.");
        }
    }

    private async Task CreateAsync(string bucket, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        try
        {
            var request = new PutBucketRequest { BucketName = bucket };
            if (_region != "us-east-1")
            {
                request.BucketRegionName = _region;
            }

            await _s3.PutBucketAsync(request, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"Created the artifacts bucket {bucket}.");
        }
        catch (AmazonS3Exception error) when (error.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // Created by a parallel deployment between the check and now.
            reporter.Verbose($"Using the existing artifacts bucket {bucket}.");
        }
    }

    private async Task<bool> HasDefaultEncryptionAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
            return response.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules is { Count: > 0 };
        }
        catch (AmazonS3Exception error) when (error.ErrorCode == "ServerSideEncryptionConfigurationNotFoundError")
        {
            return false;
        }
    }

    public async Task<bool> UploadIfMissingAsync(string bucket, string key, string filePath, CancellationToken cancellationToken)
    {
        try
        {
            await _s3.GetObjectMetadataAsync(bucket, key, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = filePath }, cancellationToken).ConfigureAwait(false);
            return true;
        }
    }
}
