using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Batch;

/// <summary>
/// The business rule for one record, handed to <see cref="BatchProcessor.ProcessAsync"/> (as Powertools'
/// <c>ProcessAsync(event, handler)</c> does): it reads each record, then handles the records of one order in stream
/// order. Throwing marks the record failed: it and the rest of its order are reported for redelivery.
/// </summary>
public interface IRecordHandler
{
    /// <summary>Reads one record; called for every record of the batch before any is handled (the batch groups by <see cref="ReadOutcome.OrderId"/>).</summary>
    ReadOutcome Read(StreamRecord record, DateTimeOffset processedAt);

    /// <summary>
    /// Called once per batch after every record is read and before any is handled: what the batch records as a whole
    /// (the digest of the objects it writes), told as each record ends.
    /// </summary>
    IBatchJournal BeginBatch(IReadOnlyList<StreamRecord> records, IReadOnlyList<ReadOutcome> outcomes, CancellationToken cancellationToken);

    /// <summary>What the record becomes; tells <paramref name="journal"/> once its object is written.</summary>
    Task<HandledRecord> HandleAsync(StreamRecord record, ReadOutcome outcome, IBatchJournal journal, CancellationToken cancellationToken);
}

/// <summary>How a record ended (audited or quarantined) and whether it raised an alert.</summary>
public sealed record HandledRecord(RecordState State, bool Alerted);
