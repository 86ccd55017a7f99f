using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// Puts the module's template and processor zip into the artifacts bucket the way only the caller's account can
/// influence: the bucket must be the account's own, an object is used only in a version whose SHA-256 is the local
/// file's, and the template is read back right before CloudFormation is pointed at it.
/// </summary>
internal sealed class ArtifactPublisher
{
    private readonly IArtifactStore _store;
    private readonly IAccountIdProvider _account;
    private readonly string _region;

    public ArtifactPublisher(IArtifactStore store, IAccountIdProvider account, string region)
    {
        _store = store;
        _account = account;
        _region = region;
    }

    /// <summary>The bucket the user named, or <c>order-monitoring-artifacts-&lt;account&gt;-&lt;region&gt;</c>; owned by the caller's account.</summary>
    public async Task<ArtifactBucket> BucketAsync(string? requestedName, CancellationToken cancellationToken)
    {
        var account = await _account.GetAccountIdAsync(cancellationToken).ConfigureAwait(false);
        return new ArtifactBucket(requestedName ?? $"order-monitoring-artifacts-{account}-{_region}", account);
    }

    /// <summary>Refuses another account's bucket, creates a missing one; before anything is uploaded.</summary>
    public Task PrepareBucketAsync(ArtifactBucket bucket, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _store.EnsureBucketAsync(bucket, reporter, cancellationToken);

    /// <summary>The version of the file in the bucket: the one already there when its SHA-256 matches, else a new upload.</summary>
    public async Task<PublishedArtifact> PublishAsync(ArtifactBucket bucket, LocalArtifact file, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var location = $"s3://{bucket.Name}/{file.Key}";
        var stored = await _store.HeadAsync(bucket, file.Key, cancellationToken).ConfigureAwait(false);
        if (stored is { VersionId: var version } && stored.Sha256Base64 == file.Sha256Base64 && IsPinnable(version))
        {
            reporter.Verbose($"{location} is already there with the same SHA-256 (version {version}); not uploaded again.");
            return new PublishedArtifact(file.Key, version!);
        }

        if (stored?.Sha256Base64 is { } other && other != file.Sha256Base64)
        {
            // Keys are content-addressed, so different bytes under this key were not written by this module.
            reporter.Warning($"{location} held other bytes than the module's file (SHA-256 {other}, expected {file.Sha256Base64}); "
                + $"uploading the module's file over it. Someone else writes to {bucket.Name}: find out who.");
        }
        else if (stored is not null)
        {
            reporter.Verbose($"{location} is there without a SHA-256 checksum or object version (uploaded before both were used); uploading it anew.");
        }

        var uploaded = await _store.UploadAsync(bucket, file, cancellationToken).ConfigureAwait(false);
        reporter.Verbose($"Uploaded {location} (version {uploaded.VersionId}).");
        return uploaded;
    }

    /// <summary>
    /// Reads the template back whole and compares its SHA-256 with the local file's, right before the change set is
    /// created: CloudFormation reads the key's current object, so what it reads is what was checked.
    /// </summary>
    public async Task VerifyAsync(ArtifactBucket bucket, LocalArtifact file, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var current = await _store.CurrentSha256Async(bucket, file.Key, cancellationToken).ConfigureAwait(false);
        if (current != file.Sha256Base64)
        {
            throw ArtifactErrors.Changed(bucket, file.Key);
        }

        reporter.Verbose($"s3://{bucket.Name}/{file.Key} still holds the module's template (SHA-256 {file.Sha256Base64}).");
    }

    /// <summary>What -WhatIf plans for ProcessorCodeVersion when the processor zip would be uploaded anew.</summary>
    public const string PendingUpload = "uploaded-on-deploy";

    /// <summary>
    /// Read-only, for -WhatIf: the version a deployment would pin, when the file is already in the bucket, else
    /// <see cref="PendingUpload"/>. Another account's bucket is refused here too, so a review stage fails early.
    /// </summary>
    public async Task<string> PlannedVersionAsync(ArtifactBucket bucket, LocalArtifact file, CancellationToken cancellationToken)
    {
        if (!await _store.IsOwnedAsync(bucket, cancellationToken).ConfigureAwait(false))
        {
            return PendingUpload;
        }

        var stored = await _store.HeadAsync(bucket, file.Key, cancellationToken).ConfigureAwait(false);
        return stored is { VersionId: var version } && stored.Sha256Base64 == file.Sha256Base64 && IsPinnable(version) ? version! : PendingUpload;
    }

    /// <summary>A real version id; objects written before versioning report none, or "null", which cannot be pinned.</summary>
    internal static bool IsPinnable(string? versionId) => !string.IsNullOrEmpty(versionId) && versionId != "null";
}
