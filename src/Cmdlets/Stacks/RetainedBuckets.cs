using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>Tells whether a bucket exists in the caller's account.</summary>
internal interface IBucketProbe
{
    Task<bool> ExistsAsync(string bucket, CancellationToken cancellationToken);
}

/// <summary><see cref="IBucketProbe"/> with S3 ListObjectsV2 (one key; needs only s3:ListBucket, which deploying needs anyway).</summary>
internal sealed class S3BucketProbe : IBucketProbe
{
    private readonly IAmazonS3 _s3;

    public S3BucketProbe(IAmazonS3 s3) => _s3 = s3;

    public async Task<bool> ExistsAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}

/// <summary>
/// A bucket of the template with <c>DeletionPolicy: Retain</c> and a fixed name per environment, account and region:
/// it outlives Remove-OrderMonitoringStack, so a plain create of the same environment would fail with
/// BucketAlreadyExists. Instead of a resource import (which moto lacks), the bucket's source parameter set to
/// Existing leaves the bucket (and the audit bucket's retained policy) out of the stack and points every reference at
/// the kept bucket by name: one code path on AWS and on moto, and the bucket keeps its history and its settings
/// because nothing rewrites them.
/// </summary>
/// <param name="Description">What the bucket holds, for messages ("audit", "failed-batches").</param>
/// <param name="SourceParameter">The template parameter saying New or Existing.</param>
/// <param name="OutputKey">The output naming the bucket.</param>
/// <param name="NamePrefix">The name before <c>&lt;environment&gt;-&lt;account&gt;-&lt;region&gt;</c>.</param>
internal sealed record RetainedBucket(string Description, string SourceParameter, string OutputKey, string NamePrefix)
{
    public static readonly RetainedBucket Audit = new("audit", TemplateContract.Parameters.AuditBucketSource,
        TemplateContract.Outputs.AuditBucketName, TemplateContract.AuditBucket.NamePrefix);

    public static readonly RetainedBucket FailedBatches = new("failed-batches", TemplateContract.Parameters.FailedBatchesBucketSource,
        TemplateContract.Outputs.FailedBatchesBucketName, TemplateContract.FailedBatchesBucket.NamePrefix);

    public static IReadOnlyList<RetainedBucket> All { get; } = new[] { Audit, FailedBatches };

    /// <summary>The bucket's name, as the template builds it.</summary>
    public string NameFor(string environment, string accountId, string region) => $"{NamePrefix}{environment}-{accountId}-{region}";
}

/// <summary>Finds the retained buckets an environment's earlier deployment kept.</summary>
internal sealed class KeptBuckets
{
    private readonly IAccountIdProvider _account;
    private readonly IBucketProbe _buckets;
    private readonly string _region;

    public KeptBuckets(IAccountIdProvider account, IBucketProbe buckets, string region)
    {
        _account = account;
        _buckets = buckets;
        _region = region;
    }

    /// <summary>Each retained bucket of <paramref name="environment"/> that exists, with its name.</summary>
    public async Task<IReadOnlyList<(RetainedBucket Bucket, string Name)>> FindAsync(string environment, CancellationToken cancellationToken)
    {
        var account = await _account.GetAccountIdAsync(cancellationToken).ConfigureAwait(false);
        var kept = new List<(RetainedBucket, string)>();
        foreach (var bucket in RetainedBucket.All)
        {
            var name = bucket.NameFor(environment, account, _region);
            if (await _buckets.ExistsAsync(name, cancellationToken).ConfigureAwait(false))
            {
                kept.Add((bucket, name));
            }
        }

        return kept;
    }
}
