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
/// Finds the audit bucket an environment's earlier deployment kept (its name is fixed per environment, account and
/// region). The bucket is <c>Retain</c>, so after Remove-OrderMonitoringStack it is still there and a plain create
/// would fail with BucketAlreadyExists. Instead of a resource import (which moto lacks), the template's
/// <c>AuditBucketSource=Existing</c> leaves the bucket (and its policy) out of the stack and points every reference at
/// the kept bucket by name: one code path on AWS and on moto, and the bucket keeps its history and its settings
/// because nothing rewrites them.
/// </summary>
internal sealed class KeptAuditBucket
{
    private readonly IAccountIdProvider _account;
    private readonly IBucketProbe _buckets;
    private readonly string _region;

    public KeptAuditBucket(IAccountIdProvider account, IBucketProbe buckets, string region)
    {
        _account = account;
        _buckets = buckets;
        _region = region;
    }

    /// <summary>The bucket's name when it exists, else null.</summary>
    public async Task<string?> FindAsync(string environment, CancellationToken cancellationToken)
    {
        var account = await _account.GetAccountIdAsync(cancellationToken).ConfigureAwait(false);
        var name = Shell.EnvironmentName.AuditBucketName(environment, account, _region);
        return await _buckets.ExistsAsync(name, cancellationToken).ConfigureAwait(false) ? name : null;
    }
}
