using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Cmdlets.Infrastructure;

namespace OrderMonitoring.Cmdlets.Services;

/// <summary>The bucket deployments upload the processor zip and the template to.</summary>
internal interface IArtifactStore
{
    /// <summary>Creates the bucket when missing; either way makes sure it is encrypted and blocks public access.</summary>
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
            reporter.Verbose($"Using the artifacts bucket {bucket}.");
        }

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
        await _s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
            {
                BlockPublicAcls = true, BlockPublicPolicy = true, IgnorePublicAcls = true, RestrictPublicBuckets = true,
            },
        }, cancellationToken).ConfigureAwait(false);
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
