using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>
/// The local run's failure path, the same as Lambda's S3 on-failure destination: the whole batch, in Lambda's record
/// format, under <c>aws/lambda/local/&lt;shard id&gt;/...</c> of the failed-batches bucket, replayable with -FailedBatches.
/// </summary>
internal sealed class FailedBatchSink : IFailedBatchSink
{
    private readonly IFailedBatchStore _store;
    private readonly TimeProvider _time;

    public FailedBatchSink(IFailedBatchStore store, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? ModuleClock.System;
    }

    public Task KeepAsync(FailedRange range, CancellationToken cancellationToken)
    {
        var records = range.Records ?? throw new ArgumentException("The local run keeps whole batches: the range must carry its records.", nameof(range));
        var now = _time.GetUtcNow();
        return _store.PutAsync(S3FailedBatchStore.LocalKey(range.ShardId, now, Guid.NewGuid()), FailureRecord.ToJson(range, records, now), cancellationToken);
    }
}
