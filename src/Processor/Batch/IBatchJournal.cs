using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Batch;

/// <summary>
/// What a batch records as a whole about the objects its records write (the signed digest), told as each record ends.
/// <see cref="BatchProcessor"/> begins one per batch through <see cref="IRecordHandler.BeginBatch"/>.
/// </summary>
public interface IBatchJournal : IDisposable
{
    /// <summary>
    /// The key of the digest that will list the batch's objects (known when the batch begins), written into each
    /// object's metadata so a reader finds the one digest to check it against; null when the batch writes no digest.
    /// </summary>
    string? DigestKey { get; }

    /// <summary>The record's object was written (the handler calls this right after the write succeeded).</summary>
    void Written(ReadOutcome outcome);

    /// <summary>The record ends without its object written in this batch (held back, not started, failed first); ignored after <see cref="Written"/>.</summary>
    void NotWritten(ReadOutcome outcome);

    /// <summary>
    /// Waits for what the batch writes last (its digest, started as soon as every record has ended, so it overlaps the
    /// last alerts). False when it could not be written: then every record whose object was written must be retried.
    /// </summary>
    Task<bool> CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>A batch that records nothing beyond its objects.</summary>
public sealed class NoBatchJournal : IBatchJournal
{
    public static NoBatchJournal Instance { get; } = new();

    private NoBatchJournal()
    {
    }

    public string? DigestKey => null;

    public void Written(ReadOutcome outcome)
    {
    }

    public void NotWritten(ReadOutcome outcome)
    {
    }

    public Task<bool> CompleteAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public void Dispose()
    {
    }
}
