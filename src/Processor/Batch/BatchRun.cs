using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Processor.Batch;

/// <summary>How far one record got.</summary>
public enum RecordState
{
    Pending,
    Audited,
    Quarantined,
    Failed,
}

/// <summary>The mutable state of one batch run; each record's slot is written by exactly one worker.</summary>
internal sealed class BatchRun
{
    private int _alerts;

    public BatchRun(int count) => States = new RecordState[count];

    public RecordState[] States { get; }

    public void CountAlert() => Interlocked.Increment(ref _alerts);

    /// <summary>Marks every record whose object was written as failed (its batch's digest could not be written).</summary>
    public void FailWritten()
    {
        for (var i = 0; i < States.Length; i++)
        {
            if (States[i] is RecordState.Audited or RecordState.Quarantined)
            {
                States[i] = RecordState.Failed;
            }
        }
    }

    public BatchResult ToResult(IReadOnlyList<StreamRecord> records, TimeSpan duration, long? processingLagMs)
    {
        var failures = new List<BatchItemFailure>();
        for (var i = 0; i < States.Length; i++)
        {
            // Pending cannot remain after a completed run; count it as failed so nothing is ever acknowledged unseen.
            if (States[i] is RecordState.Failed or RecordState.Pending)
            {
                failures.Add(new BatchItemFailure(records[i].Dynamodb?.SequenceNumber ?? string.Empty, records[i].EventId));
            }
        }

        return new BatchResult
        {
            Records = States.Length,
            Audited = States.Count(state => state == RecordState.Audited),
            Quarantined = States.Count(state => state == RecordState.Quarantined),
            Failed = failures.Count,
            Alerts = Volatile.Read(ref _alerts),
            BatchItemFailures = failures,
            Duration = duration,
            ProcessingLagMs = processingLagMs,
        };
    }
}
