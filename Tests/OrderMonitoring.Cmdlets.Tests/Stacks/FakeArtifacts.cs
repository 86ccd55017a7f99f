using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>
/// An artifacts bucket in memory, versioned like S3: every upload is a new version of its key, and the bucket is the
/// account's own unless it is listed as another account's.
/// </summary>
internal sealed class FakeArtifacts : IArtifactStore, IAccountIdProvider
{
    public const string Account = "123456789012";

    private int _versions;

    /// <summary>Bucket names another account has: EnsureBucket and IsOwned refuse them as S3ArtifactStore does.</summary>
    public HashSet<string> OtherAccountBuckets { get; } = new(StringComparer.Ordinal);

    public HashSet<string> OwnedBuckets { get; } = new(StringComparer.Ordinal);

    /// <summary>The current object of each "bucket/key": its version and stored SHA-256.</summary>
    public Dictionary<string, StoredArtifact> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>Every call that changes something, in order: "EnsureBucket b", "Upload b/key".</summary>
    public List<string> Changes { get; } = new();

    public List<string> Uploaded => Changes.Where(c => c.StartsWith("Upload ", StringComparison.Ordinal)).Select(c => c.Substring("Upload ".Length)).ToList();

    /// <summary>Runs before the template is read back (a writer racing the deployment).</summary>
    public Action? BeforeReadBack { get; set; }

    public Task<bool> IsOwnedAsync(ArtifactBucket bucket, CancellationToken cancellationToken) =>
        OtherAccountBuckets.Contains(bucket.Name) ? throw ArtifactErrors.NotOwned(bucket) : Task.FromResult(OwnedBuckets.Contains(bucket.Name));

    public Task EnsureBucketAsync(ArtifactBucket bucket, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (OtherAccountBuckets.Contains(bucket.Name))
        {
            throw ArtifactErrors.NotOwned(bucket);
        }

        Assert.Equal(Account, bucket.OwnerAccountId);
        OwnedBuckets.Add(bucket.Name);
        Changes.Add($"EnsureBucket {bucket.Name}");
        return Task.CompletedTask;
    }

    public Task<StoredArtifact?> HeadAsync(ArtifactBucket bucket, string key, CancellationToken cancellationToken) =>
        Task.FromResult(Objects.TryGetValue($"{bucket.Name}/{key}", out var stored) ? stored : null);

    public Task<PublishedArtifact> UploadAsync(ArtifactBucket bucket, LocalArtifact file, CancellationToken cancellationToken)
    {
        var version = Put(bucket.Name, file.Key, file.Sha256Base64);
        Changes.Add($"Upload {bucket.Name}/{file.Key}");
        return Task.FromResult(new PublishedArtifact(file.Key, version));
    }

    public Task<string?> CurrentSha256Async(ArtifactBucket bucket, string key, CancellationToken cancellationToken)
    {
        BeforeReadBack?.Invoke();
        return Task.FromResult(Objects.TryGetValue($"{bucket.Name}/{key}", out var stored) ? stored.Sha256Base64 : null);
    }

    /// <summary>Writes a new version of the key (as the module or as someone else would); returns its id.</summary>
    public string Put(string bucket, string key, string? sha256Base64)
    {
        var version = $"v{++_versions}";
        Objects[$"{bucket}/{key}"] = new StoredArtifact(version, sha256Base64);
        return version;
    }

    public Task<string> GetAccountIdAsync(CancellationToken cancellationToken) => Task.FromResult(Account);
}
