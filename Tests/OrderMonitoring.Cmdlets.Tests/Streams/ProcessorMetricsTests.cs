using System.Net;
using System.Text.Json.Nodes;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Template;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Cmdlets.Tests.Streams;

/// <summary>
/// Outside Lambda the processor publishes what the Lambda's EMF line carries, with PutMetricData: aggregated per metric
/// and minute and sent in the background, so a batch never waits for CloudWatch.
/// </summary>
public sealed class ProcessorMetricsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly BatchResult Quarantining = new() { Records = 3, Audited = 1, Alerts = 1, Quarantined = 1, Failed = 1, ProcessingLagMs = 250 };

    private readonly RecordingCloudWatch _cloudWatch = new();
    private readonly RecordingReporter _reporter = new();
    private readonly SteppingTime _time = new(Now);

    [Fact]
    public async Task A_batch_is_published_with_the_names_namespace_dimension_and_units_of_the_EMF_line()
    {
        var metrics = Metrics("dev");

        metrics.Record(Quarantining);
        await metrics.CompleteAsync();

        var data = _cloudWatch.Puts.SelectMany(put => put.MetricData).ToList();
        var emf = JsonNode.Parse(EmfMetrics.Format("dev", Quarantining, Quarantining.ProcessingLagMs, Now))!;
        var emfDefinition = emf["_aws"]!["CloudWatchMetrics"]![0]!;
        Assert.All(_cloudWatch.Puts, put => Assert.Equal((string?)emfDefinition["Namespace"], put.Namespace));
        var emfMetrics = emfDefinition["Metrics"]!.AsArray().Select(m => ((string)m!["Name"]!, (string)m["Unit"]!, (double)emf[(string)m["Name"]!]!)).ToList();
        Assert.Equal(emfMetrics.OrderBy(m => m.Item1), data.Select(d => (d.MetricName, d.Unit!, d.StatisticValues!.Sum)).OrderBy(m => m.MetricName));
        Assert.All(data, datum =>
        {
            var dimension = Assert.Single(datum.Dimensions);
            Assert.Equal((TemplateContract.ProcessorMetrics.EnvironmentDimension, "dev"), (dimension.Name, dimension.Value));
            Assert.Equal(Now.UtcDateTime, datum.Timestamp);
            Assert.Null(datum.Value);
            Assert.Equal(1, datum.StatisticValues!.SampleCount);
            Assert.Equal(datum.StatisticValues.Sum, datum.StatisticValues.Minimum);
            Assert.Equal(datum.StatisticValues.Sum, datum.StatisticValues.Maximum);
        });
    }

    [Fact]
    public void The_statistic_sets_equal_what_CloudWatch_computes_from_one_value_per_batch()
    {
        var aggregate = new ProcessorMetricAggregate();
        var batches = Enumerable.Range(0, 40)
            .Select(i => (At: Now.AddSeconds(i * 7), Result: new BatchResult { Records = i % 9, Audited = i % 5, Quarantined = i % 3, Failed = i % 2, ProcessingLagMs = 100 + (i * 37 % 500) }))
            .ToList();

        foreach (var (at, result) in batches)
        {
            aggregate.Add(at, ProcessorMetricValues.Of(result));
        }

        var sets = aggregate.TakeAll();
        var perBatch = batches.SelectMany(b => ProcessorMetricValues.Of(b.Result).Select(v => (Minute: MinuteOf(b.At), v.Name, v.Unit, v.Value)))
            .GroupBy(v => (v.Minute, v.Name, v.Unit))
            .ToDictionary(g => g.Key, g => (Count: (double)g.Count(), Sum: (double)g.Sum(v => v.Value), Min: (double)g.Min(v => v.Value), Max: (double)g.Max(v => v.Value)));
        Assert.Equal(perBatch.Count, sets.Count);
        Assert.Equal(5, sets.Select(set => set.Minute).Distinct().Count());
        foreach (var set in sets)
        {
            Assert.Equal(perBatch[(set.Minute, set.Name, set.Unit)], (set.Values.SampleCount, set.Values.Sum, set.Values.Minimum, set.Values.Maximum));
        }

        Assert.True(aggregate.IsEmpty);
    }

    [Fact]
    public void Memory_is_bounded_by_minutes_not_by_batches()
    {
        var aggregate = new ProcessorMetricAggregate();
        for (var minute = 0; minute < ProcessorMetricAggregate.MaxMinutes + 30; minute++)
        {
            for (var batch = 0; batch < 20; batch++)
            {
                aggregate.Add(Now.AddMinutes(minute).AddSeconds(batch), ProcessorMetricValues.Of(Quarantining));
            }
        }

        var sets = aggregate.TakeAll();
        Assert.Equal(ProcessorMetricAggregate.MaxMinutes, sets.Select(set => set.Minute).Distinct().Count());
        Assert.Equal(30, aggregate.DroppedMinutes);
        Assert.Equal(Now.AddMinutes(30).UtcDateTime, sets.Min(set => set.Minute)); // the oldest went first
    }

    [Fact]
    public async Task A_batch_does_not_wait_for_CloudWatch()
    {
        _cloudWatch.Hold = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var metrics = Metrics("qa");
        var metered = new MeteredRecordProcessor(new FixedResult(Quarantining), metrics);

        for (var i = 0; i < 5; i++)
        {
            var batch = metered.ProcessAsync([new StreamRecord()], CancellationToken.None);
            Assert.True(batch.IsCompleted, "the batch finished without waiting for PutMetricData");
            Assert.Same(Quarantining, await batch);
        }

        _cloudWatch.Hold.SetResult(true);
        await metrics.CompleteAsync();
        Assert.Equal(5 * Quarantining.Records, SumOf(TemplateContract.ProcessorMetrics.RecordsProcessed));
        Assert.Equal("qa", Assert.Single(_cloudWatch.Puts.SelectMany(put => put.MetricData).Select(d => d.Dimensions.Single().Value).Distinct()));
        Assert.Empty(_reporter.Warnings);
    }

    [Fact]
    public async Task Publishes_at_most_once_per_interval_and_loses_nothing()
    {
        var metrics = Metrics("qa");
        var metered = new MeteredRecordProcessor(new FixedResult(Quarantining), metrics);

        for (var i = 0; i < 200; i++)
        {
            await metered.ProcessAsync([new StreamRecord()], CancellationToken.None);
        }

        await metrics.CompleteAsync();

        // Every background publish followed a wait of the whole interval; the last one is the end of the run's.
        var intervalWaits = _time.Waits.Count(wait => wait == BackgroundProcessorMetrics.DefaultInterval);
        Assert.InRange(_cloudWatch.Puts.Length, 1, intervalWaits + 1);
        Assert.All(_time.Waits, wait => Assert.True(wait == BackgroundProcessorMetrics.DefaultInterval || wait == BackgroundProcessorMetrics.FinalPublishBound, $"unexpected wait {wait}"));
        Assert.Equal(200 * Quarantining.Records, SumOf(TemplateContract.ProcessorMetrics.RecordsProcessed));
        Assert.Equal(200.0, _cloudWatch.Puts.SelectMany(put => put.MetricData)
            .Where(d => d.MetricName == TemplateContract.ProcessorMetrics.RecordsFailed).Sum(d => d.StatisticValues!.SampleCount));
    }

    [Fact]
    public async Task A_failed_publish_is_a_warning_and_its_values_go_with_the_next_publish()
    {
        _cloudWatch.FailuresLeft = 1;
        var metrics = Metrics("qa");
        var metered = new MeteredRecordProcessor(new FixedResult(Quarantining), metrics);
        var firstAttempt = _cloudWatch.NextAttempt();

        var result = await metered.ProcessAsync([new StreamRecord()], CancellationToken.None);
        await firstAttempt; // the background publish failed
        await metrics.CompleteAsync();

        Assert.Same(Quarantining, result);
        var warning = Assert.Single(_reporter.Warnings);
        Assert.Contains("PutMetricData failed", warning, StringComparison.Ordinal);
        Assert.Contains("sent again", warning, StringComparison.Ordinal);
        Assert.Contains("quarantined=1", warning, StringComparison.Ordinal);
        Assert.Contains("cloudwatch:PutMetricData", warning, StringComparison.Ordinal);
        Assert.Equal(Quarantining.Records, SumOf(TemplateContract.ProcessorMetrics.RecordsProcessed));
    }

    [Fact]
    public async Task A_failed_last_publish_says_what_the_alarms_miss()
    {
        _cloudWatch.FailuresLeft = int.MaxValue;
        var metrics = Metrics("qa");

        metrics.Record(Quarantining);
        await metrics.CompleteAsync();

        Assert.Contains(_reporter.Warnings, warning => warning.Contains("at the end of the run", StringComparison.Ordinal)
            && warning.Contains("failed=1", StringComparison.Ordinal));
        Assert.Empty(_cloudWatch.Puts);
    }

    [Fact]
    public async Task The_end_of_a_run_waits_for_CloudWatch_only_within_its_bound()
    {
        _cloudWatch.HangUntilCancelled = true;
        var metrics = Metrics("qa");

        metrics.Record(Quarantining);
        await metrics.CompleteAsync(); // returns: the bound cancelled the hanging publish

        Assert.Contains(BackgroundProcessorMetrics.FinalPublishBound, _time.Waits);
        Assert.Contains(_reporter.Warnings, warning => warning.Contains("gave up after 5 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_empty_poll_publishes_nothing()
    {
        var metrics = Metrics("qa");
        var metered = new MeteredRecordProcessor(new FixedResult(new BatchResult()), metrics);

        await metered.ProcessAsync([], CancellationToken.None);
        await metrics.CompleteAsync();

        Assert.Empty(_cloudWatch.Puts);
        Assert.Empty(_time.Waits);
    }

    private BackgroundProcessorMetrics Metrics(string environment) =>
        new(_cloudWatch, environment, new ProcessorLogReporter { Reporter = _reporter }, _time);

    private double SumOf(string metric) =>
        _cloudWatch.Puts.SelectMany(put => put.MetricData).Where(d => d.MetricName == metric).Sum(d => d.StatisticValues!.Sum);

    private static DateTime MinuteOf(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);

    private sealed class FixedResult(BatchResult result) : IRecordProcessor
    {
        public Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken) => Task.FromResult(result);

        public string? OrderOf(StreamRecord record) => null;
    }

    private sealed class RecordingCloudWatch : IAmazonCloudWatch
    {
        private readonly object _gate = new();
        private readonly List<PutMetricDataRequest> _puts = new();
        private TaskCompletionSource<bool>? _attempted;

        public PutMetricDataRequest[] Puts { get { lock (_gate) { return _puts.ToArray(); } } }

        public int FailuresLeft { get; set; }

        public bool HangUntilCancelled { get; set; }

        /// <summary>Completes the publish attempts only when released (a slow CloudWatch).</summary>
        public TaskCompletionSource<bool>? Hold { get; set; }

        /// <summary>Completes when the next PutMetricData attempt has ended, whatever its outcome.</summary>
        public Task NextAttempt()
        {
            lock (_gate)
            {
                _attempted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                return _attempted.Task;
            }
        }

        public async Task PutMetricDataAsync(PutMetricDataRequest request, CancellationToken cancellationToken = default)
        {
            try
            {
                if (HangUntilCancelled)
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }

                if (Hold is { } hold)
                {
                    await hold.Task;
                }

                lock (_gate)
                {
                    if (FailuresLeft > 0)
                    {
                        FailuresLeft--;
                        throw new AwsServiceException("CloudWatch", "PutMetricData", "AccessDenied", "not allowed: cloudwatch:PutMetricData", "r-1",
                            HttpStatusCode.Forbidden, isRetryable: false);
                    }

                    _puts.Add(request);
                }
            }
            finally
            {
                TaskCompletionSource<bool>? attempted;
                lock (_gate)
                {
                    attempted = _attempted;
                    _attempted = null;
                }

                attempted?.TrySetResult(true);
            }
        }

        public Task<DescribeAlarmsResponse> DescribeAlarmsAsync(DescribeAlarmsRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<GetMetricDataResponse> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
