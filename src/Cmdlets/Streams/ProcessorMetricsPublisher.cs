using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>Takes one batch's processor metrics (what the Lambda writes as EMF) when the processor runs outside Lambda.</summary>
internal interface IProcessorMetrics
{
    /// <summary>Records the batch's values; never waits for CloudWatch, so it costs a batch nothing.</summary>
    void Record(BatchResult result);
}

/// <summary>
/// <see cref="IProcessorMetrics"/> publishing to CloudWatch in the background: values are aggregated per metric and
/// minute (<see cref="ProcessorMetricAggregate"/>) and sent with PutMetricData at most once per <see cref="Interval"/>,
/// and once more when the run ends (<see cref="CompleteAsync"/>, also after Ctrl+C, bounded by
/// <see cref="FinalPublishBound"/>). Same namespace, names, units and Environment dimension as <see cref="EmfMetrics"/>,
/// so the alarms and Get-OrderMonitoringStatus see External mode. A failed publish is a warning, never a failed
/// batch (the batch's data is already written); its values are kept for the next publish.
/// </summary>
internal sealed class BackgroundProcessorMetrics : IProcessorMetrics
{
    /// <summary>CloudWatch's standard resolution is one minute: publishing more often buys the alarms nothing.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    /// <summary>How long the end of a run (or Ctrl+C) may wait for the last publish.</summary>
    public static readonly TimeSpan FinalPublishBound = TimeSpan.FromSeconds(5);

    private const int MaxDataPerRequest = 1000;

    private readonly IAmazonCloudWatch _cloudWatch;
    private readonly string _environment;
    private readonly IProcessorLogSink _log;
    private readonly TimeProvider _time;
    private readonly ProcessorMetricAggregate _pending = new();
    private readonly SemaphoreSlim _recorded = new(0, 1);
    private readonly CancellationTokenSource _stopWaiting = new();
    private readonly CancellationTokenSource _abandonPublish = new();
    private readonly object _gate = new();
    private Task? _loop;
    private int _droppedMinutesReported;

    public BackgroundProcessorMetrics(IAmazonCloudWatch cloudWatch, string environment, IProcessorLogSink log, TimeProvider time, TimeSpan? interval = null)
    {
        _cloudWatch = cloudWatch;
        _environment = environment;
        _log = log;
        _time = time;
        Interval = interval ?? DefaultInterval;
    }

    public TimeSpan Interval { get; }

    public void Record(BatchResult result)
    {
        if (result.Records == 0)
        {
            return; // an empty poll of the stream: nothing happened, nothing to say
        }

        _pending.Add(_time.GetUtcNow(), ProcessorMetricValues.Of(result));
        lock (_gate)
        {
            if (_stopWaiting.IsCancellationRequested)
            {
                return; // completing: the final publish takes it
            }

            _loop ??= Task.Run(PublishPeriodicallyAsync);
            if (_recorded.CurrentCount == 0)
            {
                _recorded.Release();
            }
        }
    }

    /// <summary>
    /// Ends the background publishing and publishes what is left. Runs after the run's own token was cancelled too
    /// (Ctrl+C), so it has its own bound instead of that token: the caller waits at most <see cref="FinalPublishBound"/>.
    /// </summary>
    public async Task CompleteAsync()
    {
        Task? loop;
        lock (_gate)
        {
            _stopWaiting.Cancel();
            loop = _loop;
        }

        if (loop is null && _pending.IsEmpty)
        {
            return; // nothing was recorded: no publish to wait for
        }

        using var bound = _time.CreateCancellationTokenSource(FinalPublishBound);
        using var _ = bound.Token.Register(_abandonPublish.Cancel);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false); // a publish in flight finishes (or gives up at the bound) before the last one
        }

        await PublishPendingAsync(final: true, bound.Token).ConfigureAwait(false);
    }

    /// <summary>Waits for a value, then for the rest of the interval, then publishes everything waiting by then.</summary>
    private async Task PublishPeriodicallyAsync()
    {
        var lastPublish = _time.GetUtcNow();
        while (true)
        {
            try
            {
                await _recorded.WaitAsync(_stopWaiting.Token).ConfigureAwait(false);
                var rest = lastPublish + Interval - _time.GetUtcNow();
                if (rest > TimeSpan.Zero)
                {
                    await _time.Delay(rest, _stopWaiting.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stopWaiting.IsCancellationRequested)
            {
                return; // the final publish takes what is waiting
            }

            lastPublish = _time.GetUtcNow();
            await PublishPendingAsync(final: false, _abandonPublish.Token).ConfigureAwait(false);
        }
    }

    private async Task PublishPendingAsync(bool final, CancellationToken cancellationToken)
    {
        var waiting = _pending.TakeAll();
        ReportDroppedMinutes();
        if (waiting.Count == 0)
        {
            return;
        }

        var sent = 0;
        try
        {
            while (sent < waiting.Count)
            {
                var chunk = waiting.Skip(sent).Take(MaxDataPerRequest).ToList();
                await _cloudWatch.PutMetricDataAsync(Request(chunk), cancellationToken).ConfigureAwait(false);
                sent += chunk.Count;
            }
        }
        catch (Exception error)
        {
            var unsent = waiting.Skip(sent).ToList();
            if (!final)
            {
                _pending.Restore(unsent);
            }

            _log.Write(ProcessorLogLevel.Warn, final
                    ? "CloudWatch PutMetricData failed at the end of the run: the alarms and Get-OrderMonitoringStatus do not see these values"
                    : "CloudWatch PutMetricData failed: the alarms and Get-OrderMonitoringStatus do not see these values yet; they are sent again with the next publish",
                [.. Totals(unsent), ("minutes", unsent.Select(set => set.Minute).Distinct().Count()), ("error", error is OperationCanceledException ? $"gave up after {FinalPublishBound.TotalSeconds:0} s" : error.Message)]);
        }
    }

    private PutMetricDataRequest Request(IEnumerable<MinuteStatistics> sets)
    {
        var dimension = new Dimension { Name = TemplateContract.ProcessorMetrics.EnvironmentDimension, Value = _environment };
        return new PutMetricDataRequest
        {
            Namespace = TemplateContract.ProcessorMetrics.Namespace,
            MetricData = sets.Select(set => new MetricDatum
            {
                MetricName = set.Name, Unit = set.Unit, StatisticValues = set.Values, Timestamp = set.Minute, Dimensions = [dimension],
            }).ToList(),
        };
    }

    /// <summary>The counts a warning names, so a reader knows what the alarms miss.</summary>
    private static IEnumerable<(string Name, object? Value)> Totals(IReadOnlyList<MinuteStatistics> sets)
    {
        (string Field, string Metric)[] named =
        [
            ("records", TemplateContract.ProcessorMetrics.RecordsProcessed),
            ("quarantined", TemplateContract.ProcessorMetrics.RecordsQuarantined),
            ("failed", TemplateContract.ProcessorMetrics.RecordsFailed),
        ];
        return named.Select(n => (n.Field, (object?)(long)sets.Where(set => set.Name == n.Metric).Sum(set => set.Values.Sum)));
    }

    private void ReportDroppedMinutes()
    {
        var dropped = _pending.DroppedMinutes;
        if (dropped > _droppedMinutesReported)
        {
            _log.Write(ProcessorLogLevel.Warn, "CloudWatch could not be reached for longer than the metrics kept in memory: the oldest minutes were dropped",
                [("droppedMinutes", dropped - _droppedMinutesReported), ("keptMinutes", ProcessorMetricAggregate.MaxMinutes)]);
            _droppedMinutesReported = dropped;
        }
    }
}

/// <summary>Runs a batch, then records its metrics (no I/O: <see cref="IProcessorMetrics"/> publishes in the background).</summary>
internal sealed class MeteredRecordProcessor : IRecordProcessor
{
    private readonly IRecordProcessor _inner;
    private readonly IProcessorMetrics _metrics;

    public MeteredRecordProcessor(IRecordProcessor inner, IProcessorMetrics metrics)
    {
        _inner = inner;
        _metrics = metrics;
    }

    public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken)
    {
        var result = await _inner.ProcessAsync(records, cancellationToken).ConfigureAwait(false);
        _metrics.Record(result);
        return result;
    }

    public string? OrderOf(StreamRecord record) => _inner.OrderOf(record);
}
