namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>A range of stream records the runner gave up on, as Lambda's on-failure destination describes it.</summary>
internal sealed record FailedRange(string StreamArn, string ShardId, string StartSequenceNumber, string EndSequenceNumber, int BatchSize,
    int RetryAttempts, DateTimeOffset? FirstArrival, DateTimeOffset? LastArrival, IReadOnlyList<OrderMonitoring.Aws.Streams.StreamRecord>? Records = null)
{
    /// <summary>Where the range lies in the stream.</summary>
    public ShardRange Shard => new(StreamArn, ShardId, StartSequenceNumber, EndSequenceNumber);
}

/// <summary>
/// Where the runner hands a failed range so nothing is lost: the stack's failed-batches bucket (whole records), or the
/// failure queue of an older stack (the range only). The runner owns this port; the failed-batch room implements it.
/// </summary>
internal interface IFailedBatchSink
{
    /// <summary>Keeps the failed range; it can then be replayed with -FailedBatches.</summary>
    Task KeepAsync(FailedRange range, CancellationToken cancellationToken);
}
