using System.Diagnostics;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Storage;
using Polly;
using Polly.Retry;

namespace OrderMonitoring.Processor.Batch;

/// <summary>
/// Processes a batch of stream records: each becomes an audit object (or a quarantine object) and, when
/// <see cref="AlertPolicy"/> says so, an alert published after the object is written. Orders run concurrently
/// up to <see cref="BatchProcessorOptions.MaxConcurrency"/>; one order's records run in stream order, and after a
/// record of an order fails, it and the rest of that order are reported for redelivery.
/// Used by the Lambda <see cref="Function"/> and in-process by the module.
/// </summary>
public sealed class BatchProcessor
{
    private readonly IAuditStore _store;
    private readonly IAlertPublisher _publisher;
    private readonly BatchProcessorOptions _options;
    private readonly JsonLogger _log;
    private readonly ResiliencePipeline _retry;
    private readonly Func<DateTimeOffset> _clock;

    public BatchProcessor(IAuditStore store, IAlertPublisher publisher, BatchProcessorOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _publisher = publisher ?? throw new ArgumentNullException(nameof(publisher));
        _options = options ?? new BatchProcessorOptions();
        if (_options.MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxConcurrency, "MaxConcurrency must be at least 1.");
        }

        if (_options.AttemptTimeout <= TimeSpan.Zero || _options.Deadline <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "AttemptTimeout and Deadline must be positive.");
        }

        _log = new JsonLogger(_options.LogSink ?? Console.Out.WriteLine, _options.LogLevel);
        _retry = BuildRetry(_options);
        _clock = _options.Clock ?? (() => DateTimeOffset.UtcNow);
    }

    /// <summary>The logger this processor writes to (the Function logs through it too).</summary>
    public JsonLogger Log => _log;

    /// <summary>Processes the records; never throws for a record's failure (see <see cref="BatchResult.BatchItemFailures"/>).</summary>
    public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken = default)
    {
        if (records is null)
        {
            throw new ArgumentNullException(nameof(records));
        }

        var stopwatch = Stopwatch.StartNew();
        using var deadline = new RunDeadline(_options.Deadline, _options.AttemptTimeout, cancellationToken);
        var processedAt = _clock();
        var run = new BatchRun(records.Count);
        var groups = GroupByOrder(records, processedAt);

        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(_options.MaxConcurrency, groups.Count)).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < groups.Count)
            {
                await ProcessOrderAsync(groups[index], records, run, deadline, cancellationToken).ConfigureAwait(false);
            }
        });

        BatchResult? result = null;
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            // Written even when the caller cancels: the batch's log and metrics line always exist.
            result = run.ToResult(records, stopwatch.Elapsed);
            Report(result, ProcessingLagMs(records, processedAt), deadline);
        }

        return result;
    }

    private List<List<(int Index, ReadOutcome Outcome)>> GroupByOrder(IReadOnlyList<StreamRecord> records, DateTimeOffset processedAt)
    {
        var groups = new List<List<(int, ReadOutcome)>>();
        var byOrder = new Dictionary<string, List<(int, ReadOutcome)>>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"Record {i} of the batch is null.", nameof(records));
            var outcome = StreamRecordReader.Read(record, _options.Environment, processedAt);
            if (outcome.OrderId is null || !byOrder.TryGetValue(outcome.OrderId, out var group))
            {
                group = [];
                groups.Add(group);
                if (outcome.OrderId is not null)
                {
                    byOrder.Add(outcome.OrderId, group);
                }
            }

            group.Add((i, outcome));
        }

        return groups;
    }

    private async Task ProcessOrderAsync(List<(int Index, ReadOutcome Outcome)> order, IReadOnlyList<StreamRecord> records, BatchRun run, RunDeadline deadline,
        CancellationToken cancellationToken)
    {
        string? failedAt = null;
        foreach (var (index, outcome) in order)
        {
            var record = records[index];
            if (failedAt is not null)
            {
                run.States[index] = RecordState.Failed;
                _log.Log(ProcessorLogLevel.Debug, "Record held back: an earlier record of its order failed", Fields(record, ("failedSequenceNumber", failedAt)));
                continue;
            }

            if (deadline.IsShort)
            {
                run.States[index] = RecordState.Failed;
                failedAt = record.Dynamodb?.SequenceNumber ?? string.Empty;
                deadline.CountNotStarted();
                _log.Log(ProcessorLogLevel.Debug, "Record not started: too little time is left before the deadline; reported for retry", Fields(record));
                continue;
            }

            try
            {
                run.States[index] = await ProcessRecordAsync(record, outcome, run, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (!(error is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                run.States[index] = RecordState.Failed;
                failedAt = record.Dynamodb?.SequenceNumber ?? string.Empty;
                _log.Log(ProcessorLogLevel.Error, "Record failed; it and later records of its order will be retried",
                    Fields(record, ("errorType", error.GetType().Name), ("error", error.Message)));
            }
        }
    }

    private async Task<RecordState> ProcessRecordAsync(StreamRecord record, ReadOutcome outcome, BatchRun run, CancellationToken cancellationToken)
    {
        if (outcome.Audit is { } audit)
        {
            // Written before the alert: an alert always points at an audit object that exists.
            await WithRetryAsync(ct => _store.PutAsync(audit.Key, audit.ToJson(), ct), cancellationToken).ConfigureAwait(false);
            if (AlertPolicy.ShouldAlert(audit.EventType, audit.Status, audit.PreviousStatus))
            {
                await WithRetryAsync(ct => _publisher.PublishAsync(AlertPolicy.For(audit), ct), cancellationToken).ConfigureAwait(false);
                run.CountAlert();
            }

            _log.Log(ProcessorLogLevel.Debug, "Audit object written", Fields(record, ("orderId", audit.OrderId), ("key", audit.Key), ("status", audit.Status)));
            return RecordState.Audited;
        }

        var quarantine = outcome.Quarantine!;
        await WithRetryAsync(ct => _store.PutAsync(quarantine.Key, quarantine.ToJson(), ct), cancellationToken).ConfigureAwait(false);
        _log.Log(ProcessorLogLevel.Warn, "Record quarantined: it cannot be audited as an order", Fields(record, ("reason", quarantine.Reason), ("key", quarantine.Key)));

        var data = record.Dynamodb;
        var newStatus = StreamRecordReader.Image(data?.NewImage) is { } newImage ? StreamRecordReader.ReadStatusLeniently(newImage) : null;
        var oldStatus = StreamRecordReader.Image(data?.OldImage) is { } oldImage ? StreamRecordReader.ReadStatusLeniently(oldImage) : null;
        if (AlertPolicy.ShouldAlert(record.EventName, newStatus, oldStatus))
        {
            await WithRetryAsync(ct => _publisher.PublishAsync(AlertPolicy.ForMalformed(quarantine, newStatus!), ct), cancellationToken).ConfigureAwait(false);
            run.CountAlert();
        }

        return RecordState.Quarantined;
    }

    private async Task WithRetryAsync(Func<CancellationToken, Task> action, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(ct => new ValueTask(BoundedCall.RunAsync(action, _options.AttemptTimeout, ct)), cancellationToken).ConfigureAwait(false);

    private void Report(BatchResult result, long? lagMs, RunDeadline deadline)
    {
        if (deadline.NotStarted > 0)
        {
            _log.Log(ProcessorLogLevel.Warn, "Deadline near: records were not started and are reported for retry", ("notStarted", deadline.NotStarted));
        }

        _log.Log(ProcessorLogLevel.Info, "Batch processed",
            ("records", result.Records), ("audited", result.Audited), ("alerts", result.Alerts), ("quarantined", result.Quarantined),
            ("failed", result.Failed), ("durationMs", result.Duration.TotalMilliseconds), ("processingLagMs", lagMs));
        if (_options.EmitMetrics)
        {
            _log.WriteRaw(EmfMetrics.Format(_options.Environment, result, lagMs, _clock()));
        }
    }

    private static long? ProcessingLagMs(IReadOnlyList<StreamRecord> records, DateTimeOffset processedAt)
    {
        long? lag = null;
        foreach (var record in records)
        {
            if (StreamRecordReader.ReadCreationTime(record.Dynamodb?.ApproximateCreationDateTime) is { } created)
            {
                var ms = Math.Max(0, (long)(processedAt - created).TotalMilliseconds);
                lag = lag is { } current ? Math.Max(current, ms) : ms;
            }
        }

        return lag;
    }

    private static (string, object?)[] Fields(StreamRecord record, params (string, object?)[] extra) =>
        [("eventId", record.EventId), ("sequenceNumber", record.Dynamodb?.SequenceNumber), .. extra];

    private static ResiliencePipeline BuildRetry(BatchProcessorOptions options) =>
        options.RetryAttempts <= 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.RetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => new ValueTask<bool>(
                    args.Outcome.Exception is { } error && RetryWorthiness.IsWorthRetrying(error, args.Context.CancellationToken)),
            }).Build();
}
