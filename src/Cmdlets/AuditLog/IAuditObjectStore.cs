namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>Reads the audit bucket: S3 in production, fakes in tests.</summary>
internal interface IAuditObjectStore
{
    /// <summary>One page of keys under <paramref name="prefix"/> in S3's (byte) order; pass the returned token for the next page.</summary>
    Task<KeyPage> ListAsync(string bucketName, string prefix, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>The object's content as UTF-8 text, or null when it does not exist.</summary>
    Task<string?> ReadAsync(string bucketName, string key, CancellationToken cancellationToken);

    /// <summary>The object's text with the digest its metadata names and when it was written; null when it does not exist.</summary>
    Task<StoredText?> ReadWithMetadataAsync(string bucketName, string key, CancellationToken cancellationToken);
}

/// <summary>An object's text, the digest key the processor put in its metadata (null when none), and its LastModified.</summary>
internal sealed record StoredText(string Json, string? DigestKey, DateTime? LastModified);

/// <summary>A page of keys; <see cref="NextToken"/> is null on the last page.</summary>
internal sealed record KeyPage(IReadOnlyList<string> Keys, string? NextToken);
