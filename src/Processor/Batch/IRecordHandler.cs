using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Batch;

/// <summary>
/// The business rule for one record, called by <see cref="BatchProcessor"/> in stream order per order. Throwing
/// marks the record failed: it and the rest of its order are reported for redelivery.
/// </summary>
internal interface IRecordHandler
{
    Task<HandledRecord> HandleAsync(StreamRecord record, ReadOutcome outcome, CancellationToken cancellationToken);
}

/// <summary>How a record ended (audited or quarantined) and whether it raised an alert.</summary>
internal sealed record HandledRecord(RecordState State, bool Alerted);
