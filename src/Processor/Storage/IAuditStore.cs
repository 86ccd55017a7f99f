namespace OrderMonitoring.Processor.Storage;

/// <summary>Where audit and quarantine objects are written (S3 in production, a fake in tests).</summary>
public interface IAuditStore
{
    /// <summary>Writes a JSON document at a key, replacing what is there; throws when the write was not accepted.</summary>
    Task PutAsync(string key, string json, CancellationToken cancellationToken);
}
