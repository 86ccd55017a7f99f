namespace OrderMonitoring.Processor.Batch;

/// <summary>One record Lambda must deliver again, by its sequence number (the partial batch response's item).</summary>
public sealed class BatchItemFailure
{
    public BatchItemFailure(string itemIdentifier, string? eventId)
    {
        ItemIdentifier = itemIdentifier;
        EventId = eventId;
    }

    /// <summary>The record's SequenceNumber; empty when the record had none (then only a whole-batch retry helps).</summary>
    public string ItemIdentifier { get; }

    public string? EventId { get; }
}

/// <summary>What a batch came to: counts, and the records to deliver again (in stream order).</summary>
public sealed class BatchResult
{
    public int Records { get; init; }

    /// <summary>Audit objects written under orders/.</summary>
    public int Audited { get; init; }

    public int Alerts { get; init; }

    /// <summary>Records written under quarantine/ (they are not failures: retrying cannot fix them).</summary>
    public int Quarantined { get; init; }

    /// <summary>Records not fully done (their own failure, or an earlier failure of the same order).</summary>
    public int Failed { get; init; }

    public IReadOnlyList<BatchItemFailure> BatchItemFailures { get; init; } = [];

    public TimeSpan Duration { get; init; }

    /// <summary>Milliseconds from the oldest record's creation to processing; null when no record carried a creation time.</summary>
    public long? ProcessingLagMs { get; init; }

    /// <summary>True when a failed record has no sequence number, so only failing the whole batch makes Lambda retry it.</summary>
    public bool RequiresWholeBatchRetry => BatchItemFailures.Any(failure => failure.ItemIdentifier.Length == 0);
}
