using System.Globalization;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Processor.Batch;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// The totals and progress of one stream run, shared by the shards drained at once: records per second and how far
/// behind the stream the newest record done is (its ApproximateCreationDateTime), per shard the oldest of them.
/// </summary>
internal sealed class CatchUpRun
{
    private readonly object _gate = new();
    private readonly string _streamArn;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Dictionary<string, DateTimeOffset> _reached = new(StringComparer.Ordinal);
    private int _shards;
    private int _shardsThisPass;
    private int _shardsFinishedThisPass;
    private int _batches;
    private int _records;
    private int _audited;
    private int _alerts;
    private int _quarantined;
    private int _failed;
    private int _sentToFailureQueue;

    public CatchUpRun(string streamArn, IOperationReporter reporter, TimeProvider time)
    {
        _streamArn = streamArn;
        Reporter = reporter;
        _time = time;
        _started = time.GetTimestamp();
    }

    public IOperationReporter Reporter { get; }

    public int Records { get { lock (_gate) { return _records; } } }

    public void StartPass(int shards)
    {
        lock (_gate)
        {
            _shards = Math.Max(_shards, shards);
            _shardsThisPass = shards;
            _shardsFinishedThisPass = 0;
        }
    }

    public void ShardFinished()
    {
        lock (_gate)
        {
            _shardsFinishedThisPass++;
        }
    }

    public void AddRecords(int count)
    {
        lock (_gate)
        {
            _records += count;
        }
    }

    public void Add(BatchResult result)
    {
        lock (_gate)
        {
            _batches++;
            _audited += result.Audited;
            _alerts += result.Alerts;
            _quarantined += result.Quarantined;
        }
    }

    public void AddFailed(int count)
    {
        lock (_gate)
        {
            _failed += count;
        }
    }

    public void AddSentToFailureQueue(int count)
    {
        lock (_gate)
        {
            _sentToFailureQueue += count;
        }
    }

    /// <summary>The shard's records are done up to one that reached the stream at <paramref name="arrival"/>.</summary>
    public void Reached(string shardId, DateTimeOffset? arrival)
    {
        if (arrival is { } at)
        {
            lock (_gate)
            {
                _reached[shardId] = at;
            }
        }
    }

    public OperationProgress Progress(string currentOperation, bool completed = false)
    {
        lock (_gate)
        {
            var elapsed = _time.GetElapsedTime(_started);
            var rate = elapsed.TotalSeconds > 0 ? _records / elapsed.TotalSeconds : 0;
            var behind = _reached.Count == 0 ? "" : $"; {Describe(_time.GetUtcNow() - _reached.Values.Min())} behind the stream";
            var status = completed
                ? FormattableString.Invariant($"done: {_records} records in {elapsed.TotalSeconds:0.0} s ({rate:0}/s)")
                : FormattableString.Invariant($"{_records} records ({rate:0}/s), {_audited} audited, {_alerts} alerts{behind}");
            var percent = _shardsThisPass == 0 ? (int?)null : _shardsFinishedThisPass * 100 / _shardsThisPass;
            return new OperationProgress(1, StreamEventProcessor.ActivityOf(_streamArn), status, completed ? null : percent, currentOperation, completed);
        }
    }

    public OrderProcessorResult ToResult()
    {
        lock (_gate)
        {
            return new OrderProcessorResult
            {
                Source = _streamArn, Shards = _shards, Batches = _batches, Records = _records, Audited = _audited, Alerts = _alerts,
                Quarantined = _quarantined, Failed = _failed, SentToFailureQueue = _sentToFailureQueue, Duration = _time.GetElapsedTime(_started),
            };
        }
    }

    private static string Describe(TimeSpan behind) =>
        behind < TimeSpan.Zero ? "0 s"
        : behind.TotalHours >= 1 ? FormattableString.Invariant($"{(int)behind.TotalHours} h {behind.Minutes} min")
        : behind.TotalMinutes >= 1 ? FormattableString.Invariant($"{(int)behind.TotalMinutes} min {behind.Seconds} s")
        : FormattableString.Invariant($"{behind.Seconds} s");
}
