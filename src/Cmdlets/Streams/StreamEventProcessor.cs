using System.Collections.Concurrent;
using System.Globalization;
using Amazon.Runtime;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// Reads a table's stream the way the Lambda event source mapping would and hands it to the processor: every shard
/// (a parent before its children; independent shards at once), full GetRecords pages read ahead of the processing,
/// the partial-batch contract (retry from the first failed record a bounded number of times, then keep the failed
/// range as a failed batch), and a checkpoint per shard after every batch. A checkpoint the stream no longer holds is
/// a gap (<see cref="StreamGap"/>): an error, never a quiet restart.
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
    private readonly ConcurrentDictionary<string, string> _openIterators = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _finished = new(StringComparer.Ordinal);

    public StreamEventProcessor(IAmazonDynamoDBStreams streams, IRecordProcessor processor, ICheckpointStore checkpoints, IFailedBatchSink? failureQueue,
        StreamReaderOptions? options = null, TimeProvider? time = null)
    {
        _streams = streams;
        _time = time ?? ModuleClock.System;
        _shards = new ShardReader(streams, _time);
        _processor = processor;
        _checkpoints = checkpoints;
        _failureQueue = failureQueue;
        _options = options ?? new StreamReaderOptions();
    }

    /// <summary>Drains the stream (or, with Follow, keeps polling until cancelled) and returns the totals.</summary>
    public async Task<OrderProcessorResult> RunAsync(string streamArn, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var run = new CatchUpRun(streamArn, reporter, _time);
        using var claim = _checkpoints.Claim(streamArn);
        try
        {
            return await DrainAsync(streamArn, run, reporter, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException stopped) when (cancellationToken.IsCancellationRequested && stopped is not OperationStoppedException)
        {
            throw Stopped(streamArn, run.ToResult(), cancellationToken);
        }
    }

    // What a stopped run (Ctrl+C, Stop-Job; the only way -Follow ends) did and where each shard's checkpoint stands.
    private OperationStoppedException Stopped(string streamArn, OrderProcessorResult totals, CancellationToken token)
    {
        var shards = string.Join("; ", _checkpoints.All(streamArn).OrderBy(shard => shard.Key, StringComparer.Ordinal)
            .Select(shard => $"{shard.Key}: {Position(shard.Value)}"));
        return new OperationStoppedException(
            $"Stopped: {totals.Records} record(s) processed ({totals.Audited} audited, {totals.Alerts} alert(s), {totals.Quarantined} quarantined, {totals.Failed} failed). "
            + $"The checkpoints are saved up to the last batch done ({(shards.Length == 0 ? "no shard read yet" : shards)}); "
            + "run Invoke-OrderEventProcessor -FromStream again to continue from there.",
            token);
    }

    private static string Position(ShardCheckpoint checkpoint) => checkpoint switch
    {
        { Finished: true } => "finished",
        { SequenceNumber: null } => "not started",
        _ => "after sequence number " + checkpoint.SequenceNumber,
    };

    private async Task<OrderProcessorResult> DrainAsync(string streamArn, CatchUpRun run, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var vanishedChecked = false;
        while (true)
        {
            var description = await _streams.DescribeStreamAllShardsAsync(streamArn, cancellationToken).ConfigureAwait(false);
            var shards = ShardOrder.ParentsFirst(description.Shards);
            if (!vanishedChecked)
            {
                ReportVanishedShards(streamArn, shards, reporter);
                vanishedChecked = true;
            }

            var recordsBefore = run.Records;
            run.StartPass(shards.Count);
            await DrainShardsAsync(streamArn, shards, run, cancellationToken).ConfigureAwait(false);
            if (!_options.Follow)
            {
                reporter.Progress(run.Progress("done", completed: true));
                return run.ToResult();
            }

            if (run.Records == recordsBefore)
            {
                reporter.Progress(run.Progress("waiting for new records (Ctrl+C stops)"));
                await _time.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Every shard at once, up to <see cref="StreamReaderOptions.ShardConcurrency"/>, each after its parent: records of one
    /// item (and so of one order, whose items share the partition key) stay in one shard lineage, read in order.
    /// </summary>
    private async Task DrainShardsAsync(string streamArn, IReadOnlyList<Shard> shards, CatchUpRun run, CancellationToken cancellationToken)
    {
        using var stopAll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(Math.Max(1, _options.ShardConcurrency));
        var drains = new Dictionary<string, Task>(StringComparer.Ordinal);
        foreach (var shard in shards)
        {
            var parent = shard.ParentShardId is { } parentId && drains.TryGetValue(parentId, out var parentDrain) ? parentDrain : null;
            drains[shard.ShardId!] = DrainAfterParentAsync(streamArn, shard, parent, slots, run, stopAll);
        }

        try
        {
            await Task.WhenAll(drains.Values).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The siblings a failure stopped end in cancellations; the failure itself is what the caller needs.
            var first = drains.Values.Where(drain => drain.IsFaulted).Select(drain => drain.Exception!.InnerException!)
                .FirstOrDefault(error => error is not OperationCanceledException);
            if (first is null)
            {
                throw;
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    private async Task DrainAfterParentAsync(string streamArn, Shard shard, Task? parent, SemaphoreSlim slots, CatchUpRun run,
        CancellationTokenSource stopAll)
    {
        try
        {
            if (parent is not null)
            {
                await parent.ConfigureAwait(false);
            }

            await slots.WaitAsync(stopAll.Token).ConfigureAwait(false);
            try
            {
                await DrainShardAsync(streamArn, shard, run, stopAll.Token).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        }
        catch
        {
            stopAll.Cancel();
            throw;
        }
    }

    private async Task DrainShardAsync(string streamArn, Shard shard, CatchUpRun run, CancellationToken cancellationToken)
    {
        var shardId = shard.ShardId!;
        if (_finished.ContainsKey(shardId))
        {
            return;
        }

        var closed = !string.IsNullOrEmpty(shard.SequenceNumberRange?.EndingSequenceNumber);
        // With Follow one empty page ends a pass: the next pass reads on from the same iterator.
        var reading = new ShardReading(closed, _options.Follow ? 1 : _options.EmptyPagesToDrainOpenShard, _options.PageSize, _options.PagesAhead);
        string? iterator;
        while (true)
        {
            try
            {
                iterator = _openIterators.TryGetValue(shardId, out var kept) ? kept
                    : await StartIteratorAsync(streamArn, shardId, run.Reporter, cancellationToken).ConfigureAwait(false);
                var inFlight = new BatchesInFlight(_options.BatchesInFlight, _processor.OrderOf);
                try
                {
                    iterator = await _shards.ReadAsync(iterator, reading, async records =>
                    {
                        for (var start = 0; start < records.Count; start += _options.BatchSize)
                        {
                            var batch = new List<StreamRecord>(Math.Min(_options.BatchSize, records.Count - start));
                            for (var i = start; i < records.Count && i < start + _options.BatchSize; i++)
                            {
                                batch.Add(records[i]);
                            }

                            await inFlight.StartAsync(batch, (part, mayCheckpointEarly) => ProcessBatchAsync(streamArn, shardId, part, run, mayCheckpointEarly, cancellationToken),
                                last =>
                                {
                                    Checkpoint(streamArn, shardId, last, run);
                                    run.Reporter.Progress(run.Progress(shardId));
                                }, cancellationToken).ConfigureAwait(false);
                        }

                        return true;
                    }, cancellationToken, (after, token) => RenewIteratorAsync(streamArn, shardId, after, run.Reporter, token)).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The batches already started finish and checkpoint first; a batch's own failure (earlier in the
                    // stream than the read that failed) is the one reported.
                    await inFlight.WhenSettledAsync().ConfigureAwait(false);
                    throw;
                }

                await inFlight.WhenSettledAsync().ConfigureAwait(false);
                break;
            }
            catch (AmazonServiceException trimmed) when (trimmed.ErrorCode == StreamGap.TrimmedErrorCode)
            {
                // The records after the checkpoint left the stream while this run read it (a backlog near 24 hours old).
                _openIterators.TryRemove(shardId, out _);
                var checkpoint = _checkpoints.Get(streamArn, shardId);
                ReportGap(streamArn, shardId, checkpoint, run.Reporter, trimmed);
                // Accepted: go on from the oldest record the stream holds (the gap stays named in time by LastArrival).
                _checkpoints.Save(streamArn, shardId, new ShardCheckpoint(null, Finished: false, checkpoint?.LastArrival));
            }
        }

        if (iterator is null)
        {
            _finished[shardId] = true;
            _openIterators.TryRemove(shardId, out _);
            var last = _checkpoints.Get(streamArn, shardId);
            _checkpoints.Save(streamArn, shardId, new ShardCheckpoint(last?.SequenceNumber, Finished: true, last?.LastArrival));
            run.ShardFinished();
        }
        else
        {
            _openIterators[shardId] = iterator;
        }
    }

    private async Task<string?> StartIteratorAsync(string streamArn, string shardId, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var checkpoint = _options.StartingPosition == StreamStartingPosition.Checkpoint ? _checkpoints.Get(streamArn, shardId) : null;
        if (checkpoint is { Finished: true })
        {
            _finished[shardId] = true;
            return null;
        }

        if (checkpoint?.SequenceNumber is { } sequence)
        {
            reporter.Verbose($"Shard {shardId}: continuing after checkpoint {sequence}.");
            try
            {
                return await IteratorAsync(streamArn, shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, sequence, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonServiceException trimmed) when (trimmed.ErrorCode == StreamGap.TrimmedErrorCode)
            {
                ReportGap(streamArn, shardId, checkpoint, reporter, trimmed);
            }
        }

        var type = _options.StartingPosition == StreamStartingPosition.Latest ? ShardIteratorType.LATEST : ShardIteratorType.TRIM_HORIZON;
        return await IteratorAsync(streamArn, shardId, type, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An iterator expired (15 minutes unused): a new one after the last record handed on, else from the checkpoint.</summary>
    private async Task<string?> RenewIteratorAsync(string streamArn, string shardId, string? after, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        after ??= _checkpoints.Get(streamArn, shardId)?.SequenceNumber;
        reporter.Verbose($"Shard {shardId}: the shard iterator expired; renewing it {(after is null ? "from where this run started" : $"after {after}")}.");
        _openIterators.TryRemove(shardId, out _);
        return after is null
            ? await StartIteratorAsync(streamArn, shardId, reporter, cancellationToken).ConfigureAwait(false)
            : await IteratorAsync(streamArn, shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, after, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> IteratorAsync(string streamArn, string shardId, string type, string? sequence, CancellationToken cancellationToken) =>
        (await _streams.GetShardIteratorAsync(new GetShardIteratorRequest { StreamArn = streamArn, ShardId = shardId, ShardIteratorType = type, SequenceNumber = sequence },
            cancellationToken).ConfigureAwait(false)).ShardIterator;

    /// <summary>A checkpoint for a shard the stream no longer lists, not finished: its remaining records aged out unread.</summary>
    private void ReportVanishedShards(string streamArn, IReadOnlyList<Shard> shards, IOperationReporter reporter)
    {
        if (_options.StartingPosition != StreamStartingPosition.Checkpoint)
        {
            return;
        }

        var listed = new HashSet<string>(shards.Select(shard => shard.ShardId!), StringComparer.Ordinal);
        foreach (var entry in _checkpoints.All(streamArn).Where(entry => !entry.Value.Finished && !listed.Contains(entry.Key)))
        {
            var (shardId, checkpoint) = (entry.Key, entry.Value);
            ReportGap(streamArn, shardId, checkpoint, reporter, cause: null);
            // Accepted: the shard cannot be read any more; its checkpoint says so instead of reporting it every run.
            _checkpoints.Save(streamArn, shardId, checkpoint with { Finished = true });
        }
    }

    /// <summary>Says that records were lost; stops the run unless the caller accepted the loss beforehand.</summary>
    private void ReportGap(string streamArn, string shardId, ShardCheckpoint? checkpoint, IOperationReporter reporter, Exception? cause)
    {
        var gap = StreamGap.Create(streamArn, shardId, checkpoint, _time.GetUtcNow(), _options.AcceptRecordLoss, cause);
        if (!_options.AcceptRecordLoss)
        {
            throw gap;
        }

        reporter.Failure(gap, shardId);
    }

    /// <summary>
    /// Processes a batch (or the part of one <see cref="BatchesInFlight"/> runs), retrying from the first failed record,
    /// then keeping what still fails as a failed batch. The checkpoint after it is <see cref="BatchesInFlight"/>'s, in
    /// stream order; the checkpoint before a failed record only when <paramref name="mayCheckpointEarly"/> says it is exact.
    /// </summary>
    private async Task ProcessBatchAsync(string streamArn, string shardId, List<StreamRecord> batch, CatchUpRun run, Func<bool> mayCheckpointEarly,
        CancellationToken cancellationToken)
    {
        run.AddRecords(batch.Count);
        var remaining = batch;
        for (var attempt = 0; ; attempt++)
        {
            var result = await _processor.ProcessAsync(remaining, cancellationToken).ConfigureAwait(false);
            run.Add(result);
            if (result.BatchItemFailures.Count == 0)
            {
                return;
            }

            var firstFailed = FirstFailedIndex(remaining, result);
            if (firstFailed > 0 && mayCheckpointEarly())
            {
                Checkpoint(streamArn, shardId, remaining[firstFailed - 1], run);
            }

            remaining = remaining.Skip(firstFailed).ToList();
            if (attempt >= _options.MaxRetries)
            {
                await GiveUpAsync(streamArn, shardId, remaining, attempt, run, cancellationToken).ConfigureAwait(false);
                run.AddFailed(result.Failed);
                return;
            }

            run.Reporter.Verbose($"Shard {shardId}: {result.Failed} record(s) failed; retrying from sequence number {Sequence(remaining[0])} (retry {attempt + 1} of {_options.MaxRetries}).");
            await _time.Delay(TimeSpan.FromTicks(_options.RetryDelay.Ticks << attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task GiveUpAsync(string streamArn, string shardId, List<StreamRecord> remaining, int retries, CatchUpRun run, CancellationToken cancellationToken)
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
        run.AddSentToFailureQueue(remaining.Count);
        run.Reporter.Warning($"Shard {shardId}: records {range.StartSequenceNumber} to {range.EndSequenceNumber} ({remaining.Count}) still failed after {retries} retries; the failed batch was kept for replay with Invoke-OrderEventProcessor -FailedBatches.");
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

    private void Checkpoint(string streamArn, string shardId, StreamRecord last, CatchUpRun run)
    {
        var arrival = ArrivalOf(last);
        _checkpoints.Save(streamArn, shardId, new ShardCheckpoint(Sequence(last), Finished: false, arrival));
        run.Reached(shardId, arrival);
    }

    /// <summary>"Processing the stream of order-events-dev": the table name is what a person recognises in a stream ARN.</summary>
    internal static string ActivityOf(string streamArn)
    {
        var parts = streamArn.Split('/');
        return parts.Length >= 2 && !string.IsNullOrEmpty(parts[1]) ? $"Processing the stream of {parts[1]}" : $"Processing {streamArn}";
    }

    private static string Sequence(StreamRecord record) => record.Dynamodb?.SequenceNumber ?? "";

    internal static DateTimeOffset? ArrivalOf(StreamRecord record) =>
        record.Dynamodb?.ApproximateCreationDateTime is { } raw && double.TryParse(raw.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : null;
}
