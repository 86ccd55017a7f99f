namespace OrderMonitoring.Processor.Storage;

/// <summary>
/// What a sealer does in the audit bucket (S3 in production, a fake in tests): list digest and seal folders, read a
/// digest's or a seal's current bytes, and write a seal only where nothing is yet.
/// </summary>
public interface ISealStore
{
    /// <summary>
    /// Every key under <paramref name="prefix"/> (all pages) that sorts after <paramref name="startAfter"/> (all when
    /// null), in S3's order (UTF-8 byte order).
    /// </summary>
    Task<IReadOnlyList<string>> ListKeysAsync(string prefix, string? startAfter, CancellationToken cancellationToken);

    /// <summary>The folders directly under <paramref name="prefix"/> (S3's common prefixes for the delimiter '/', each ending in '/'), in S3's order.</summary>
    Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>The exact current bytes of <paramref name="key"/>; null when it has none (deleted or never written).</summary>
    Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the document only when nothing is at <paramref name="key"/> (If-None-Match: *); false when something is
    /// (S3's 412 Precondition Failed, or 409 when another conditional write of the key is under way): another sealer won.
    /// </summary>
    Task<bool> PutIfAbsentAsync(string key, string json, CancellationToken cancellationToken);
}
