using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary><see cref="IArtifactStore"/> on S3.</summary>
internal sealed class S3ArtifactStore : IArtifactStore
{
    private readonly IAmazonS3 _s3;
    private readonly string _region;
    private readonly bool _endpointUsesTls;

    /// <param name="s3">The client for the stack's region.</param>
    /// <param name="region">Where a new bucket is created.</param>
    /// <param name="endpointUsesTls">
    /// False when S3 is reached over plain HTTP (a local emulator): a policy denying non-TLS access would then deny the
    /// module's own calls, so a new bucket gets it only when this is true (always on AWS's own endpoints).
    /// </param>
    public S3ArtifactStore(IAmazonS3 s3, string region, bool endpointUsesTls = true)
    {
        _s3 = s3;
        _region = region;
        _endpointUsesTls = endpointUsesTls;
    }

    public async Task<bool> IsOwnedAsync(ArtifactBucket bucket, CancellationToken cancellationToken)
    {
        if (await IsAmongOwnBucketsAsync(bucket, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        var exists = await S3Call.RunAsync("HeadBucket", bucket, async () =>
        {
            try
            {
                // With ExpectedBucketOwner real S3 answers 403 for another account's bucket; either answer means it is there.
                await _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket.Name, ExpectedBucketOwner = bucket.OwnerAccountId }, cancellationToken)
                    .ConfigureAwait(false);
                return true;
            }
            catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
            catch (AmazonS3Exception error) when (error.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.MovedPermanently)
            {
                return true; // there: not ours to look at, or in another region
            }
        }).ConfigureAwait(false);
        return exists ? throw ArtifactErrors.NotOwned(bucket) : false;
    }

    public async Task EnsureBucketAsync(ArtifactBucket bucket, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (await IsAmongOwnBucketsAsync(bucket, cancellationToken).ConfigureAwait(false))
        {
            reporter.Verbose($"Using the existing artifacts bucket {bucket.Name} (owned by account {bucket.OwnerAccountId}).");
            await new ArtifactBucketSettings(_s3, bucket, _region).CompleteAsync(reporter, cancellationToken).ConfigureAwait(false);
            return;
        }

        await CreateAsync(bucket, reporter, cancellationToken).ConfigureAwait(false);
        var settings = new ArtifactBucketSettings(_s3, bucket, _region);
        await settings.CompleteAsync(reporter, cancellationToken).ConfigureAwait(false);
        if (_endpointUsesTls)
        {
            await settings.DenyInsecureTransportAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            reporter.Verbose($"S3 is reached over plain HTTP here, so {bucket.Name} gets no TLS-only bucket policy (it would deny these very requests).");
        }
    }

    /// <summary>
    /// ListBuckets lists only the caller's own buckets, so a bucket with the name that is not in it belongs to another
    /// account, whatever HeadBucket says (and emulators that ignore ExpectedBucketOwner say 200).
    /// </summary>
    private Task<bool> IsAmongOwnBucketsAsync(ArtifactBucket bucket, CancellationToken cancellationToken) =>
        S3Call.RunAsync("ListBuckets", bucket, async () =>
        {
            var found = false;
            await Paging.ForEachPageAsync(
                (token, ct) => _s3.ListBucketsAsync(new ListBucketsRequest { Prefix = bucket.Name, ContinuationToken = token }, ct),
                page => page.ContinuationToken,
                page =>
                {
                    found |= page.Buckets?.Any(b => b.BucketName == bucket.Name) == true;
                    return Task.CompletedTask;
                },
                cancellationToken).ConfigureAwait(false);
            return found;
        });

    private async Task CreateAsync(ArtifactBucket bucket, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var request = new PutBucketRequest { BucketName = bucket.Name, ObjectOwnership = ObjectOwnership.BucketOwnerEnforced };
        if (_region != "us-east-1")
        {
            // The region's own name: the SDK turns BucketRegionName eu-west-1 into the legacy "EU", which real S3 still
            // accepts but S3-compatible services (moto among them) refuse.
            request.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = BucketLocationConstraint.FindValue(_region) };
        }

        await S3Call.RunAsync("CreateBucket", bucket, async () =>
        {
            try
            {
                await _s3.PutBucketAsync(request, cancellationToken).ConfigureAwait(false);
                reporter.Verbose($"Created the artifacts bucket {bucket.Name} (private, ACLs off).");
            }
            catch (AmazonS3Exception error) when (error.ErrorCode == "BucketAlreadyExists")
            {
                // Not among our buckets a moment ago, and the name is taken: another account has it.
                throw ArtifactErrors.NotOwned(bucket);
            }
            catch (AmazonS3Exception error) when (error.ErrorCode == "BucketAlreadyOwnedByYou")
            {
                reporter.Verbose($"Using the artifacts bucket {bucket.Name}, created by a parallel deployment.");
            }

            return true;
        }).ConfigureAwait(false);
    }

    public Task<StoredArtifact?> HeadAsync(ArtifactBucket bucket, string key, CancellationToken cancellationToken) =>
        S3Call.RunAsync("HeadObject", bucket, async () =>
        {
            try
            {
                var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
                {
                    BucketName = bucket.Name, Key = key, ChecksumMode = ChecksumMode.ENABLED, ExpectedBucketOwner = bucket.OwnerAccountId,
                }, cancellationToken).ConfigureAwait(false);
                return new StoredArtifact(head.VersionId, string.IsNullOrEmpty(head.ChecksumSHA256) ? null : head.ChecksumSHA256);
            }
            catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        });

    public Task<PublishedArtifact> UploadAsync(ArtifactBucket bucket, LocalArtifact file, CancellationToken cancellationToken) =>
        S3Call.RunAsync("PutObject", bucket, async () =>
        {
            // ChecksumAlgorithm makes the SDK compute and send the SHA-256, which S3 checks and stores with the object.
            var put = await _s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket.Name, Key = file.Key, FilePath = file.Path, ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                ExpectedBucketOwner = bucket.OwnerAccountId,
            }, cancellationToken).ConfigureAwait(false);
            return ArtifactPublisher.IsPinnable(put.VersionId) ? new PublishedArtifact(file.Key, put.VersionId) : throw ArtifactErrors.NotVersioned(bucket);
        });

    public Task<string?> CurrentSha256Async(ArtifactBucket bucket, string key, CancellationToken cancellationToken) =>
        S3Call.RunAsync("GetObject", bucket, async () =>
        {
            try
            {
                using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket.Name, Key = key, ExpectedBucketOwner = bucket.OwnerAccountId },
                    cancellationToken).ConfigureAwait(false);
                using var copy = new MemoryStream();
                await response.ResponseStream.CopyToAsync(copy, 81920, cancellationToken).ConfigureAwait(false);
                copy.Position = 0;
                return Sha256Hex.Base64Of(copy);
            }
            catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
            {
                return (string?)null;
            }
        });
}
