using OrderMonitoring.Cmdlets.Integrity;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>The audit bucket with its versions, as reconciliation needs it: S3 in production, fakes in tests.</summary>
internal interface IAuditVersionStore : IVersionedObjects
{
    /// <summary>One page of the folders (and loose objects) directly under <paramref name="prefix"/>, with "/" as delimiter.</summary>
    Task<FolderPage> ListFoldersAsync(string bucketName, string prefix, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>The text of one version (null: the current one), or null when it does not exist.</summary>
    Task<string?> ReadAsync(string bucketName, string key, string? versionId, CancellationToken cancellationToken);

    /// <summary>Writes a new object; returns its version id (null when the bucket is not versioned).</summary>
    Task<string?> PutAsync(string bucketName, string key, string json, CancellationToken cancellationToken);

    /// <summary>The exact bytes of one version (null: the current one), or null when it does not exist: what a repair hashes.</summary>
    Task<byte[]?> ReadBytesAsync(string bucketName, string key, string versionId, CancellationToken cancellationToken);

    /// <summary>
    /// Copies a version of the key over it as a new current version (S3 CopyObject with the source version id); returns
    /// the new version id. Nothing is deleted: every older version and delete marker stays listed. There is deliberately
    /// no delete here: a repair keeps the evidence.
    /// </summary>
    Task<string?> RestoreVersionAsync(string bucketName, string key, string versionId, CancellationToken cancellationToken);
}

/// <summary>A page of folder prefixes and loose keys; <see cref="NextToken"/> is null on the last page.</summary>
internal sealed record FolderPage(IReadOnlyList<string> Folders, IReadOnlyList<string> Keys, string? NextToken);
