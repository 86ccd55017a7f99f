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

namespace OrderMonitoring.Cmdlets.Tests.Streams;

/// <summary>Outside Lambda the processor publishes what the Lambda's EMF line carries, with PutMetricData.</summary>
public sealed class ProcessorMetricsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly BatchResult Quarantining = new() { Records = 3, Audited = 1, Alerts = 1, Quarantined = 1, Failed = 1, ProcessingLagMs = 250 };

    private readonly RecordingCloudWatch _cloudWatch = new();
    private readonly RecordingReporter _reporter = new();

    [Fact]
    public async Task A_batch_is_published_with_the_names_namespace_dimension_and_units_of_the_EMF_line()
    {
        await new CloudWatchProcessorMetrics(_cloudWatch, new FixedTime(Now)).PublishAsync("dev", Quarantining, CancellationToken.None);

        var request = Assert.Single(_cloudWatch.Puts);
        var emf = JsonNode.Parse(EmfMetrics.Format("dev", Quarantining, Quarantining.ProcessingLagMs, Now))!;
        var emfDefinition = emf["_aws"]!["CloudWatchMetrics"]![0]!;
        Assert.Equal((string?)emfDefinition["Namespace"], request.Namespace);
        var emfMetrics = emfDefinition["Metrics"]!.AsArray().Select(m => ((string)m!["Name"]!, (string)m["Unit"]!, (double)emf[(string)m["Name"]!]!)).ToList();
        Assert.Equal(emfMetrics, request.MetricData.Select(d => (d.MetricName, d.Unit!, d.Value)).ToList());
        Assert.All(request.MetricData, datum =>
        {
            var dimension = Assert.Single(datum.Dimensions);
            Assert.Equal((TemplateContract.ProcessorMetrics.EnvironmentDimension, "dev"), (dimension.Name, dimension.Value));
            Assert.Equal(Now.UtcDateTime, datum.Timestamp);
        });
        Assert.Contains(request.MetricData, d => d.MetricName == TemplateContract.ProcessorMetrics.RecordsQuarantined && d.Value == 1);
    }

    [Fact]
    public async Task The_metered_processor_publishes_each_batch_for_its_environment()
    {
        var metered = new MeteredRecordProcessor(new FixedResult(Quarantining), new CloudWatchProcessorMetrics(_cloudWatch, new FixedTime(Now)), "qa",
            new ProcessorLogReporter { Reporter = _reporter });

        var result = await metered.ProcessAsync([new StreamRecord()], CancellationToken.None);

        Assert.Same(Quarantining, result);
        Assert.Equal("qa", Assert.Single(Assert.Single(_cloudWatch.Puts).MetricData.Select(d => d.Dimensions.Single().Value).Distinct()));
        Assert.Empty(_reporter.Warnings);
    }

    [Fact]
    public async Task A_failed_publish_is_a_warning_and_the_batch_result_stands()
    {
        _cloudWatch.Failure = new AwsServiceException("CloudWatch", "PutMetricData", "AccessDenied", "not allowed: cloudwatch:PutMetricData", "r-1", HttpStatusCode.Forbidden, isRetryable: false);
        var metered = new MeteredRecordProcessor(new FixedResult(Quarantining), new CloudWatchProcessorMetrics(_cloudWatch, new FixedTime(Now)), "qa",
            new ProcessorLogReporter { Reporter = _reporter });

        var result = await metered.ProcessAsync([new StreamRecord()], CancellationToken.None);

        Assert.Same(Quarantining, result);
        var warning = Assert.Single(_reporter.Warnings);
        Assert.Contains("PutMetricData failed", warning, StringComparison.Ordinal);
        Assert.Contains("quarantined=1", warning, StringComparison.Ordinal);
        Assert.Contains("cloudwatch:PutMetricData", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_poll_publishes_nothing()
    {
        var metered = new MeteredRecordProcessor(new FixedResult(new BatchResult()), new CloudWatchProcessorMetrics(_cloudWatch, new FixedTime(Now)), "qa",
            new ProcessorLogReporter { Reporter = _reporter });

        await metered.ProcessAsync([], CancellationToken.None);

        Assert.Empty(_cloudWatch.Puts);
    }

    private sealed class FixedResult(BatchResult result) : IRecordProcessor
    {
        public Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken) => Task.FromResult(result);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class RecordingCloudWatch : IAmazonCloudWatch
    {
        public List<PutMetricDataRequest> Puts { get; } = new();

        public Exception? Failure { get; set; }

        public Task PutMetricDataAsync(PutMetricDataRequest request, CancellationToken cancellationToken = default)
        {
            if (Failure is not null)
            {
                return Task.FromException(Failure);
            }

            Puts.Add(request);
            return Task.CompletedTask;
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
