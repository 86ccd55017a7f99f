namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>Settings of <see cref="StreamEventProcessor"/>.</summary>
internal sealed class StreamReaderOptions
{
    /// <summary>
    /// Records per processor call (the mapping's BatchSize). A whole GetRecords page by default: the processor runs the
    /// orders of one call concurrently (one order's records in stream order), so a larger batch catches up faster.
    /// </summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>One GetRecords page.</summary>
    public const int DefaultBatchSize = 1000;

    /// <summary>Shards drained at once (a parent always before its children).</summary>
    public int ShardConcurrency { get; init; } = 4;

    /// <summary>
    /// Go on when records were removed from the stream before they were read (a checkpoint older than the stream's 24
    /// hours): the gap is still reported as an error, and the shard continues from the oldest record the stream holds.
    /// </summary>
    public bool AcceptRecordLoss { get; init; }

    /// <summary>Retries of a failed batch (from its first failed record) before the range goes to the failure queue.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>First delay before a retry; doubles each time.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Records per GetRecords call (split into batches of <see cref="BatchSize"/>).</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>
    /// Pages requested ahead of the one being processed, each as soon as the previous answer names its iterator: the
    /// stream is read without pause while the processor works (up to this many pages, each at most 1 MB, held in memory).
    /// </summary>
    public int PagesAhead { get; init; } = 2;

    /// <summary>
    /// Batches of one shard processed at once: the next starts while the slow orders and the digest of the one before
    /// finish. One order's records still run in stream order (a record waits for the earlier batches holding its order),
    /// and the checkpoint passes a batch only when it and every batch before it are done.
    /// </summary>
    public int BatchesInFlight { get; init; } = 3;

    /// <summary>With follow: pause between passes over a stream that had nothing new.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Consecutive empty GetRecords pages after which an open shard counts as drained for this run. DynamoDB Streams can
    /// answer empty pages before later records, so one empty page is not the end. With <see cref="Follow"/> one empty page
    /// ends a pass, because the next pass reads on from the same iterator.
    /// </summary>
    public int EmptyPagesToDrainOpenShard { get; init; } = 3;

    /// <summary>Where a shard without a usable checkpoint starts.</summary>
    public StreamStartingPosition StartingPosition { get; init; } = StreamStartingPosition.Checkpoint;

    /// <summary>Keep polling until cancelled instead of returning once the stream is drained.</summary>
    public bool Follow { get; init; }
}
