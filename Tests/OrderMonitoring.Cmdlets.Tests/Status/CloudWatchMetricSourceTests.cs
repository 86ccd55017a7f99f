using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Cmdlets.Status;

namespace OrderMonitoring.Cmdlets.Tests.Status;

public sealed class CloudWatchMetricSourceTests
{
    private static readonly DateTime Until = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Sums_and_the_maximum_are_taken_over_every_page_and_metrics_without_datapoints_are_zero()
    {
        var cloudWatch = new PagedCloudWatch(
            new GetMetricDataResponse
            {
                NextToken = "p2",
                MetricDataResults = { Result("invocations", 10, 5), Result("iteratorAge", 1200), Result("recordsFailed") },
            },
            new GetMetricDataResponse { MetricDataResults = { Result("invocations", 1), Result("iteratorAge", 300, 4000), Result("errors", 2) } });

        var metrics = await new CloudWatchMetricSource(cloudWatch).GetAsync(new MetricScope("order-processor-dev", "dev"), Until.AddHours(-1), Until, CancellationToken.None);

        Assert.Equal((16, 2, 0, 0, 4000), (metrics.Invocations, metrics.Errors, metrics.RecordsFailed, metrics.RecordsQuarantined, metrics.MaxIteratorAgeMs));
        Assert.Empty(metrics.Problems);
        var first = cloudWatch.Requests[0];
        Assert.Equal(new[] { null, "p2" }, cloudWatch.Requests.Select(request => request.NextToken));
        Assert.Equal("Maximum", first.MetricDataQueries.Single(query => query.Id == "iteratorAge").MetricStat!.Stat);
        var failed = first.MetricDataQueries.Single(query => query.Id == "recordsFailed").MetricStat!;
        Assert.Equal(("OrderMonitoring", "RecordsFailed", "Environment", "dev"),
            (failed.Metric.Namespace, failed.Metric.MetricName, failed.Metric.Dimensions[0].Name, failed.Metric.Dimensions[0].Value));
        Assert.Equal(60, failed.Period);
    }

    [Fact]
    public async Task Without_a_function_only_the_processors_own_metrics_are_asked_for_and_a_refusal_is_reported()
    {
        var cloudWatch = new PagedCloudWatch(new GetMetricDataResponse
        {
            MetricDataResults = { new MetricDataResult { Id = "recordsFailed", Label = "OrderMonitoring RecordsFailed", StatusCode = "Forbidden" } },
        });

        var metrics = await new CloudWatchMetricSource(cloudWatch).GetAsync(new MetricScope(null, "dev"), Until.AddHours(-1), Until, CancellationToken.None);

        Assert.Equal(new[] { "recordsFailed", "recordsQuarantined" }, cloudWatch.Requests[0].MetricDataQueries.Select(query => query.Id));
        Assert.Equal("CloudWatch answered Forbidden for OrderMonitoring RecordsFailed.", Assert.Single(metrics.Problems));
    }

    [Theory]
    [InlineData(60, 60)]
    [InlineData(24 * 60, 60)]
    [InlineData(7 * 24 * 60, 7 * 60)]
    public void The_period_keeps_a_metric_within_1440_datapoints(int windowMinutes, int expectedPeriodSeconds) =>
        Assert.Equal(expectedPeriodSeconds, CloudWatchMetricSource.PeriodFor(TimeSpan.FromMinutes(windowMinutes)));

    private static MetricDataResult Result(string id, params double[] values) =>
        new() { Id = id, StatusCode = "Complete", Values = values.ToList(), Timestamps = values.Select((_, i) => Until.AddMinutes(-i)).ToList() };

    private sealed class PagedCloudWatch : IAmazonCloudWatch
    {
        private readonly Queue<GetMetricDataResponse> _pages;

        public PagedCloudWatch(params GetMetricDataResponse[] pages) => _pages = new Queue<GetMetricDataResponse>(pages);

        public List<GetMetricDataRequest> Requests { get; } = new();

        public Task<GetMetricDataResponse> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(new GetMetricDataRequest { MetricDataQueries = request.MetricDataQueries.ToList(), NextToken = request.NextToken });
            return Task.FromResult(_pages.Dequeue());
        }

        public Task<DescribeAlarmsResponse> DescribeAlarmsAsync(DescribeAlarmsRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task PutMetricDataAsync(PutMetricDataRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
