using System.Globalization;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// Reads a table's stream the way the Lambda event source mapping would and hands it to the processor: every shard
/// (closed parents before their children), batches of 10, the partial-batch contract (retry from the first failed
/// record a bounded number of times, then send the failed range to the failure queue), and a checkpoint per shard.
/// </summary>
internal sealed class StreamEventProcessor
{
    private readonly IAmazonDynamoDBStreams _streams;
    private readonly ShardReader _shards;
    private readonly IRecordProcessor _processor;
    private readonly ICheckpointStore _checkpoints;
    private readonly IFailedBatchSink? _failureQueue;
    private readonly StreamReaderOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, string> _openIterators = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);

    public StreamEventProcessor(IAmazonDynamoDBStreams streams, IRecordProcessor processor, ICheckpointStore checkpoints, IFailedBatchSink? failureQueue,
        StreamReaderOptions? options = null, TimeProvider? time = null)
    {
        _streams = streams;
        _shards = new ShardReader(streams);
        _processor = processor;
        _checkpoints = checkpoints;
        _failureQueue = failureQueue;
        _options = options ?? new StreamReaderOptions();
        _time = time ?? ModuleClock.System;
    }

    /// <summary>Drains the stream (or, with Follow, keeps polling until cancelled) and returns the totals.</summary>
    public async Task<OrderProcessorResult> RunAsync(string streamArn, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var totals = new RunTotals();
        while (true)
        {
            var description = await _streams.DescribeStreamAllShardsAsync(streamArn, cancellationToken).ConfigureAwait(false);
            var shards = ShardOrder.ParentsFirst(description.Shards);
            var recordsBefore = totals.Records;
            for (var i = 0; i < shards.Count; i++)
            {
                var position = i;
                void ReportProgress() => reporter.Progress(new OperationProgress(1, ActivityOf(streamArn),
                    $"shard {position + 1} of {shards.Count}: {totals.Records} records, {totals.Audited} audited, {totals.Alerts} alerts",
                    position * 100 / shards.Count, shards[position].ShardId));

                ReportProgress();
                await DrainShardAsync(streamArn, shards[i], totals, ReportProgress, reporter, cancellationToken).ConfigureAwait(false);
            }

            totals.Shards = Math.Max(totals.Shards, shards.Count);
            if (!_options.Follow)
            {
                reporter.Progress(new OperationProgress(1, ActivityOf(streamArn), "done", Completed: true));
                return totals.ToResult(streamArn, _time.GetElapsedTime(started));
            }

            if (totals.Records == recordsBefore)
            {
                reporter.Progress(new OperationProgress(1, ActivityOf(streamArn),
                    $"{totals.Records} records, {totals.Audited} audited, {totals.Alerts} alerts; waiting for new records (Ctrl+C stops)"));
                await _time.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DrainShardAsync(string streamArn, Shard shard, RunTotals totals, Action reportProgress, IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        var shardId = shard.ShardId!;
        if (_finished.Contains(shardId))
        {
            return;
        }

        var closed = !string.IsNullOrEmpty(shard.SequenceNumberRange?.EndingSequenceNumber);
        var iterator = _openIterators.TryGetValue(shardId, out var kept) ? kept : await StartIteratorAsync(streamArn, shardId, reporter, cancellationToken).ConfigureAwait(false);
        // With Follow one empty page ends a pass: the next pass reads on from the same iterator.
        var reading = new ShardReading(closed, _options.Follow ? 1 : _options.EmptyPagesToDrainOpenShard, _options.PageSize);
        iterator = await _shards.ReadAsync(iterator, reading, async records =>
        {
            for (var start = 0; start < records.Count; start += _options.BatchSize)
            {
                var batch = records.Skip(start).Take(_options.BatchSize).ToList();
                await ProcessBatchAsync(streamArn, shardId, batch, totals, reporter, cancellationToken).ConfigureAwait(false);

                // A shard can hold many thousands of records: the bar moves per batch, not per shard.
                reportProgress();
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);

        if (iterator is null)
        {
            _finished.Add(shardId);
            _openIterators.Remove(shardId);
            var last = _checkpoints.Get(streamArn, shardId)?.SequenceNumber;
            _checkpoints.Save(streamArn, shardId, new ShardCheckpoint(last, Finished: true));
        }
        else
        {
            _openIterators[shardId] = iterator;
        }
    }

    private async Task<string?> StartIteratorAsync(string streamArn, string shardId, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var request = new GetShardIteratorRequest { StreamArn = streamArn, ShardId = shardId, ShardIteratorType = ShardIteratorType.TRIM_HORIZON };
        switch (_options.StartingPosition)
        {
            case StreamStartingPosition.Latest:
                request.ShardIteratorType = ShardIteratorType.LATEST;
                break;
            case StreamStartingPosition.Checkpoint when _checkpoints.Get(streamArn, shardId) is { } checkpoint:
                if (checkpoint.Finished)
                {
                    _finished.Add(shardId);
                    return null;
                }

                if (checkpoint.SequenceNumber is { } sequence)
                {
                    request.ShardIteratorType = ShardIteratorType.AFTER_SEQUENCE_NUMBER;
                    request.SequenceNumber = sequence;
                    reporter.Verbose($"Shard {shardId}: continuing after checkpoint {sequence}.");
                }

                break;
        }

        return (await _streams.GetShardIteratorAsync(request, cancellationToken).ConfigureAwait(false)).ShardIterator;
    }

    private async Task ProcessBatchAsync(string streamArn, string shardId, List<StreamRecord> batch, RunTotals totals, IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        totals.Records += batch.Count;
        var remaining = batch;
        for (var attempt = 0; ; attempt++)
        {
            var result = await _processor.ProcessAsync(remaining, cancellationToken).ConfigureAwait(false);
            totals.Add(result);
            if (result.BatchItemFailures.Count == 0)
            {
                Checkpoint(streamArn, shardId, remaining[remaining.Count - 1]);
                return;
            }

            var firstFailed = FirstFailedIndex(remaining, result);
            if (firstFailed > 0)
            {
                Checkpoint(streamArn, shardId, remaining[firstFailed - 1]);
            }

            remaining = remaining.Skip(firstFailed).ToList();
            if (attempt >= _options.MaxRetries)
            {
                await GiveUpAsync(streamArn, shardId, remaining, attempt, totals, reporter, cancellationToken).ConfigureAwait(false);
                totals.Failed += result.Failed;
                Checkpoint(streamArn, shardId, remaining[remaining.Count - 1]);
                return;
            }

            reporter.Verbose($"Shard {shardId}: {result.Failed} record(s) failed; retrying from sequence number {Sequence(remaining[0])} (retry {attempt + 1} of {_options.MaxRetries}).");
            await _time.Delay(TimeSpan.FromTicks(_options.RetryDelay.Ticks << attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task GiveUpAsync(string streamArn, string shardId, List<StreamRecord> remaining, int retries, RunTotals totals, IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        var range = new FailedRange(streamArn, shardId, Sequence(remaining[0]), Sequence(remaining[remaining.Count - 1]), remaining.Count, retries,
            ArrivalOf(remaining[0]), ArrivalOf(remaining[remaining.Count - 1]), remaining);
        if (_failureQueue is null)
        {
            throw new OrderMonitoringException("FailureQueueMissing", FailureKind.InvalidState,
                $"Records {range.StartSequenceNumber} to {range.EndSequenceNumber} of shard {shardId} failed {retries + 1} times and the stack has no failure queue to keep them; stopped without checkpointing them.",
                "Fix the cause (see -Verbose) and run again: the checkpoint still points before these records.");
        }

        await _failureQueue.KeepAsync(range, cancellationToken).ConfigureAwait(false);
        totals.SentToFailureQueue += remaining.Count;
        reporter.Warning($"Shard {shardId}: records {range.StartSequenceNumber} to {range.EndSequenceNumber} ({remaining.Count}) still failed after {retries} retries; the failed batch was kept for replay with Invoke-OrderEventProcessor -FailedBatches.");
    }

    private static int FirstFailedIndex(List<StreamRecord> records, BatchResult result)
    {
        if (result.RequiresWholeBatchRetry)
        {
            return 0;
        }

        var failed = new HashSet<string>(result.BatchItemFailures.Select(f => f.ItemIdentifier), StringComparer.Ordinal);
        var index = records.FindIndex(r => failed.Contains(Sequence(r)));
        return index < 0 ? 0 : index;
    }

    private void Checkpoint(string streamArn, string shardId, StreamRecord last) =>
        _checkpoints.Save(streamArn, shardId, new ShardCheckpoint(Sequence(last), Finished: false));

    /// <summary>"Processing the stream of order-events-dev": the table name is what a person recognises in a stream ARN.</summary>
    internal static string ActivityOf(string streamArn)
    {
        var parts = streamArn.Split('/');
        return parts.Length >= 2 && !string.IsNullOrEmpty(parts[1]) ? $"Processing the stream of {parts[1]}" : $"Processing {streamArn}";
    }

    private static string Sequence(StreamRecord record) => record.Dynamodb?.SequenceNumber ?? "";

    private static DateTimeOffset? ArrivalOf(StreamRecord record) =>
        record.Dynamodb?.ApproximateCreationDateTime is { } raw && double.TryParse(raw.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : null;

    private sealed class RunTotals
    {
        public int Shards { get; set; }

        public int Batches { get; private set; }

        public int Records { get; set; }

        public int Audited { get; private set; }

        public int Alerts { get; private set; }

        public int Quarantined { get; private set; }

        public int Failed { get; set; }

        public int SentToFailureQueue { get; set; }

        public void Add(BatchResult result)
        {
            Batches++;
            Audited += result.Audited;
            Alerts += result.Alerts;
            Quarantined += result.Quarantined;
        }

        public OrderProcessorResult ToResult(string source, TimeSpan duration) => new()
        {
            Source = source, Shards = Shards, Batches = Batches, Records = Records, Audited = Audited, Alerts = Alerts,
            Quarantined = Quarantined, Failed = Failed, SentToFailureQueue = SentToFailureQueue, Duration = duration,
        };
    }
}
