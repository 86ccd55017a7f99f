using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Orders;

namespace OrderMonitoring.Processor.Batch;

/// <summary>
/// The batch mechanics: reads each stream record, groups the batch by order, runs orders concurrently up to
/// <see cref="BatchProcessorOptions.MaxConcurrency"/> and one order's records in stream order, and after a record of
/// an order fails, reports it and the rest of that order for redelivery. What a record becomes (audit object, then
/// alert) is the business of the <see cref="IRecordHandler"/> each call is given (<see cref="OrderRecordHandler"/>).
/// Used by the Lambda <see cref="Function"/> and in-process by the module.
/// </summary>
public sealed class BatchProcessor
{
    private readonly BatchProcessorOptions _options;
    private readonly ProcessorLog _log;
    private readonly TimeProvider _time;

    public BatchProcessor(BatchProcessorOptions? options = null)
    {
        _options = options ?? new BatchProcessorOptions();
        if (_options.MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxConcurrency, "MaxConcurrency must be at least 1.");
        }

        if (_options.AttemptTimeout <= TimeSpan.Zero || _options.Deadline <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "AttemptTimeout and Deadline must be positive.");
        }

        _time = _options.Time;
        _log = new ProcessorLog(_options.LogSink ?? new JsonLogger(Console.Out.WriteLine, _time), _options.LogLevel);
    }

    /// <summary>The log this processor writes to (the Function logs through it too).</summary>
    public ProcessorLog Log => _log;

    /// <summary>Processes the records; never throws for a record's failure (see <see cref="BatchResult.BatchItemFailures"/>).</summary>
    public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, IRecordHandler handler, CancellationToken cancellationToken = default)
    {
        if (records is null || handler is null)
        {
            throw new ArgumentNullException(records is null ? nameof(records) : nameof(handler));
        }

        var started = _time.GetTimestamp();
        var processedAt = _time.GetUtcNow();
        using var deadline = new RunDeadline(_options.Deadline, _options.AttemptTimeout, cancellationToken, _time);
        var run = new BatchRun(records.Count);
        var outcomes = new ReadOutcome[records.Count];
        var groups = GroupByOrder(records, handler, processedAt, outcomes);
        BatchResult result;
        using var journal = handler.BeginBatch(records, outcomes, deadline.Token);
        try
        {
            await BoundedConcurrency.ForEachAsync(groups, _options.MaxConcurrency, (order, _) => ProcessOrderAsync(order, records, handler, journal, run, deadline, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (!await journal.CompleteAsync(deadline.Token).ConfigureAwait(false))
            {
                // Without its digest a written object is unproven: retried, it is written again under a digest.
                run.FailWritten();
            }
        }
        finally
        {
            // Written even when the caller cancels: the batch's log and metrics line always exist.
            result = run.ToResult(records, _time.GetElapsedTime(started), ProcessingLagMs(records, processedAt));
            Report(result, deadline);
        }

        return result;
    }

    private static List<List<(int Index, ReadOutcome Outcome)>> GroupByOrder(IReadOnlyList<StreamRecord> records, IRecordHandler handler, DateTimeOffset processedAt,
        ReadOutcome[] outcomes)
    {
        var groups = new List<List<(int, ReadOutcome)>>();
        var byOrder = new Dictionary<string, List<(int, ReadOutcome)>>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"Record {i} of the batch is null.", nameof(records));
            var outcome = handler.Read(record, processedAt);
            outcomes[i] = outcome;
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

    private async Task ProcessOrderAsync(List<(int Index, ReadOutcome Outcome)> order, IReadOnlyList<StreamRecord> records, IRecordHandler handler, IBatchJournal journal, BatchRun run,
        RunDeadline deadline, CancellationToken cancellationToken)
    {
        string? failedAt = null;
        foreach (var (index, outcome) in order)
        {
            var record = records[index];
            if (failedAt is not null)
            {
                run.States[index] = RecordState.Failed;
                journal.NotWritten(outcome);
                _log.Log(ProcessorLogLevel.Debug, "Record held back: an earlier record of its order failed", LogFields.Of(record, ("failedSequenceNumber", failedAt)));
                continue;
            }

            if (deadline.IsShort)
            {
                run.States[index] = RecordState.Failed;
                journal.NotWritten(outcome);
                failedAt = record.Dynamodb?.SequenceNumber ?? string.Empty;
                deadline.CountNotStarted();
                _log.Log(ProcessorLogLevel.Debug, "Record not started: too little time is left before the deadline; reported for retry", LogFields.Of(record));
                continue;
            }

            try
            {
                var handled = await handler.HandleAsync(record, outcome, journal, deadline.Token).ConfigureAwait(false);
                if (handled.Alerted)
                {
                    run.CountAlert();
                }

                run.States[index] = handled.State;
            }
            catch (Exception error) when (!(error is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                run.States[index] = RecordState.Failed;
                journal.NotWritten(outcome);
                failedAt = record.Dynamodb?.SequenceNumber ?? string.Empty;
                _log.Log(ProcessorLogLevel.Error, "Record failed; it and later records of its order will be retried",
                    LogFields.Of(record, ("errorType", error.GetType().Name), ("error", error.Message)));
            }
        }
    }

    private void Report(BatchResult result, RunDeadline deadline)
    {
        if (deadline.NotStarted > 0)
        {
            _log.Log(ProcessorLogLevel.Warn, "Deadline near: records were not started and are reported for retry", ("notStarted", deadline.NotStarted));
        }

        _log.Log(ProcessorLogLevel.Info, "Batch processed",
            ("records", result.Records), ("audited", result.Audited), ("alerts", result.Alerts), ("quarantined", result.Quarantined),
            ("failed", result.Failed), ("durationMs", result.Duration.TotalMilliseconds), ("processingLagMs", result.ProcessingLagMs));
        if (_options.EmitMetrics)
        {
            _log.Metrics(EmfMetrics.Format(_options.Environment, result, result.ProcessingLagMs, _time.GetUtcNow()));
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
}
