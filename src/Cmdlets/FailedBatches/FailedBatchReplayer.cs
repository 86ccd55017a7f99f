using System.Globalization;
using System.Text;
using System.Text.Json;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>A failure record waiting to be replayed, or why it cannot be read.</summary>
internal sealed record PendingFailedBatch(string Key, string Source, FailureRecord? Batch, OrderMonitoringException? Problem)
{
    /// <summary>"2 records (shard ..., sequence numbers ...)" or "records to read from the stream (...)".</summary>
    public string Description => Batch is null ? "" : Batch.Records is { } records
        ? $"{records.Count} record(s) kept whole ({Batch.Range})"
        : $"{Batch.BatchSize} record(s) to read back from the stream ({Batch.Range})";
}

/// <summary>
/// Replays the failed batches of one source (the failed-batches bucket, or an older stack's failure queue) with the
/// same processor as the Lambda: the same audit keys (so a replay only writes new versions of what exists, never a
/// second record), then marks each batch replayed so the next run skips it. A batch still failing, or whose records
/// the stream no longer has, is left unmarked for the next run.
/// </summary>
internal sealed class FailedBatchReplayer
{
    private readonly IFailedBatchSource _store;
    private readonly IRecordProcessor _processor;
    private readonly IStreamRangeSource _stream;
    private readonly TimeProvider _time;
    private readonly IFailedBatchOrigin? _origin;

    /// <param name="origin">Ties each batch to the stack's stream before it is replayed (<see cref="FailedBatchOrigin"/>); null only in tests of other concerns.</param>
    public FailedBatchReplayer(IFailedBatchSource store, IRecordProcessor processor, IStreamRangeSource stream, TimeProvider? time = null, IFailedBatchOrigin? origin = null)
    {
        _origin = origin;
        _store = store;
        _processor = processor;
        _stream = stream;
        _time = time ?? ModuleClock.System;
    }

    /// <summary>Where the batches come from, for messages.</summary>
    public string Location => _store.Location;

    /// <summary>What happens to a batch once replayed, for -WhatIf.</summary>
    public string WhenReplayed => _store.WhenReplayed;

    /// <summary>Where the batches come from.</summary>
    internal IFailedBatchSource Source => _store;

    /// <summary>One pending batch, read and checked.</summary>
    public async Task<PendingFailedBatch> ReadPendingAsync(string key, CancellationToken cancellationToken)
    {
        var source = _store.SourceOf(key);
        var json = await _store.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        FailureRecord batch;
        try
        {
            batch = FailureRecord.Parse(source, json);
        }
        catch (OrderMonitoringException unreadable)
        {
            return new PendingFailedBatch(key, source, null, unreadable);
        }

        if (_origin is null)
        {
            return new PendingFailedBatch(key, source, batch, null);
        }

        // A batch that cannot be tied to the stack's stream, or whose payload is not the stream's records, is reported
        // like an unreadable one: never replayed, left pending. A batch kept whole is replayed with the stream's records.
        if (await _origin.ProblemAsync(source, batch, cancellationToken).ConfigureAwait(false) is { } foreign)
        {
            return new PendingFailedBatch(key, source, null, foreign);
        }

        var (proven, problem) = await _origin.ProveAsync(source, batch, cancellationToken).ConfigureAwait(false);
        return new PendingFailedBatch(key, source, proven, problem);
    }

    /// <summary>Processes one batch's records and, when every one was audited or quarantined, marks the batch replayed.</summary>
    public async Task<OrderProcessorResult> ReplayAsync(PendingFailedBatch pending, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var batch = pending.Batch ?? throw pending.Problem!;
        var started = _time.GetTimestamp();
        var records = batch.Records;
        if (records is null)
        {
            reporter.Verbose($"{pending.Source} holds only its range; reading {batch.Range} from the stream.");
            records = await _stream.ReadAsync(batch.Shard, cancellationToken).ConfigureAwait(false);
        }

        var result = await _processor.ProcessAsync(records, cancellationToken).ConfigureAwait(false);
        var done = result.BatchItemFailures.Count == 0;
        if (done)
        {
            await _store.MarkReplayedAsync(pending.Key, Note(result), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            reporter.Warning($"{pending.Source}: {result.Failed} record(s) failed again; the batch is not marked replayed, so the next run tries it again (see -Verbose for the cause).");
        }

        return OrderProcessorResult.OfBatch(pending.Source, result, _time.GetElapsedTime(started));
    }

    /// <summary>
    /// Replays every pending batch of the source, page by page as the source lists them: an unreadable one is reported
    /// and skipped, each other one replayed when <paramref name="confirm"/> agrees (so -WhatIf lists them); a batch that
    /// fails is reported and the run goes on. One page of keys is held at a time and each batch is read just before its
    /// turn, so a backlog of any size replays in bounded memory, and the first batch is replayed before the rest is listed.
    /// </summary>
    public async Task ReplayAllAsync(string activity, ConfirmStep confirm, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var (listed, position, replayed) = (0, 0, 0);
        string? next = null;
        do
        {
            var page = await _store.ListPendingPageAsync(next, cancellationToken).ConfigureAwait(false);
            next = page.Next;
            listed += page.Keys.Count;
            foreach (var key in page.Keys)
            {
                position++;
                reporter.Progress(next is null
                    ? new OperationProgress(2, activity, $"batch {position} of {listed}, {replayed} replayed", (position - 1) * 100 / listed, key)
                    : new OperationProgress(2, activity, $"batch {position}, {replayed} replayed, more pending", null, key));
                if (await ReplayOneAsync(key, confirm, reporter, cancellationToken).ConfigureAwait(false))
                {
                    replayed++;
                }
            }
        }
        while (next is not null);

        reporter.Verbose($"{replayed} of {listed} failed batch(es) not yet replayed in {Location} were replayed.");
        reporter.Progress(new OperationProgress(2, activity, "done", Completed: true));
    }

    /// <summary>Reads, confirms and replays one batch; true when it was replayed (whether or not every record succeeded).</summary>
    private async Task<bool> ReplayOneAsync(string key, ConfirmStep confirm, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var batch = await ReadPendingAsync(key, cancellationToken).ConfigureAwait(false);
        if (batch.Problem is { } unreadable)
        {
            reporter.Failure(unreadable, batch.Source);
            return false;
        }

        if (!await confirm(batch.Source, $"Replay {batch.Description}, then {WhenReplayed}").ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            reporter.Output(await ReplayAsync(batch, reporter, cancellationToken).ConfigureAwait(false));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            reporter.Failure(ex, batch.Source);
            return false;
        }
    }

    private string Note(Processor.Batch.BatchResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("replayedAt", _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("replayedBy", FailureRecord.LocalFunction);
            writer.WriteNumber("records", result.Records);
            writer.WriteNumber("audited", result.Audited);
            writer.WriteNumber("quarantined", result.Quarantined);
            writer.WriteNumber("alerts", result.Alerts);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
