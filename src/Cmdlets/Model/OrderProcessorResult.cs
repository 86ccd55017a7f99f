using OrderMonitoring.Processor.Batch;

namespace OrderMonitoring;

/// <summary>What one Invoke-OrderEventProcessor run came to: an event file, or a pass over the table's stream.</summary>
public sealed class OrderProcessorResult
{
    /// <summary>The event file, or the stream ARN for -FromStream.</summary>
    public string Source { get; init; } = "";

    /// <summary>Batches handed to the processor (each retry counts).</summary>
    public int Batches { get; init; }

    /// <summary>Shards read (-FromStream).</summary>
    public int Shards { get; init; }

    /// <summary>Distinct stream records processed.</summary>
    public int Records { get; init; }

    /// <summary>Audit objects written.</summary>
    public int Audited { get; init; }

    /// <summary>Alerts published.</summary>
    public int Alerts { get; init; }

    /// <summary>Records kept under quarantine/.</summary>
    public int Quarantined { get; init; }

    /// <summary>Records that failed (in the last attempt).</summary>
    public int Failed { get; init; }

    /// <summary>
    /// Records kept as failed batches (the failed-batches bucket, or the old failure queue) after the retries ran out
    /// (-FromStream). The name is kept from the retired failure queue, so scripts that read it go on working.
    /// </summary>
    public int SentToFailureQueue { get; init; }

    /// <summary>Sequence numbers of the failed records (-Path: the partial batch response).</summary>
    public IReadOnlyList<string> BatchItemFailures { get; init; } = Array.Empty<string>();

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The one mapping from the processor's answer for one batch (an event file, a replayed failed batch).</summary>
    internal static OrderProcessorResult OfBatch(string source, BatchResult result, TimeSpan duration) => new()
    {
        Source = source, Batches = 1, Records = result.Records, Audited = result.Audited, Alerts = result.Alerts,
        Quarantined = result.Quarantined, Failed = result.Failed, Duration = duration,
        BatchItemFailures = result.BatchItemFailures.Select(f => f.ItemIdentifier).ToList(),
    };
}
