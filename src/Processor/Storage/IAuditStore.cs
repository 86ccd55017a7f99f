namespace OrderMonitoring.Processor.Storage;

/// <summary>Where audit and quarantine objects are written (S3 in production, a fake in tests).</summary>
public interface IAuditStore
{
    /// <summary>Writes a JSON document at a key, replacing what is there; throws when the write was not accepted.</summary>
    Task PutAsync(string key, string json, CancellationToken cancellationToken);
}

/// <summary>
/// A store that keeps, with each object, the key of the digest that lists it (S3 user metadata
/// <see cref="DigestKeyMetadata"/>), so Get-OrderAuditLog checks a record against one digest instead of a day of them.
/// </summary>
public interface IDigestNamingStore : IAuditStore
{
    /// <summary>Writes the document with <paramref name="digestKey"/> in its metadata (none when null).</summary>
    Task PutAsync(string key, string json, string? digestKey, CancellationToken cancellationToken);
}

/// <summary>The metadata names the store writes.</summary>
public static class AuditObjectMetadata
{
    /// <summary>The user metadata (x-amz-meta-digest-key) naming the digest that lists the object.</summary>
    public const string DigestKeyMetadata = "digest-key";
}
