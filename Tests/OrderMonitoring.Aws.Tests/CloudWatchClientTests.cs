using Amazon;
using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Aws.Protocol;
using OrderMonitoring.Aws.Protocol.Query;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Aws.Tests;

/// <summary>Our CloudWatch client against moto: alarms read back with their settings, metric sums come back, bad ranges are refused.</summary>
[Collection(MotoCollection.Name)]
public sealed class CloudWatchClientTests(MotoFixture moto)
{
    [Fact]
    public async Task DescribeAlarms_returns_the_alarm_with_its_settings_and_state()
    {
        var name = "errors-" + Guid.NewGuid().ToString("N");
        await CallAsync(new QueryParameters("PutMetricAlarm", "2010-08-01")
            .Add("AlarmName", name).Add("Namespace", "OrderMonitoring").Add("MetricName", "RecordsFailed").Add("Statistic", "Sum")
            .Add("Period", 60).Add("EvaluationPeriods", 2).Add("Threshold", "1").Add("ComparisonOperator", "GreaterThanOrEqualToThreshold")
            .Add("TreatMissingData", "notBreaching").Add("AlarmActions.member.1", "arn:aws:sns:us-east-1:123456789012:alerts")
            .Add("Dimensions.member.1.Name", "Environment").Add("Dimensions.member.1.Value", "dev"));
        using var cloudWatch = MotoConnection.Factory(moto).CreateCloudWatch();

        var found = await cloudWatch.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNames = [name] });
        var none = await cloudWatch.DescribeAlarmsAsync(new DescribeAlarmsRequest { AlarmNamePrefix = "no-such-prefix-" + Guid.NewGuid().ToString("N") });

        var alarm = Assert.Single(found.MetricAlarms);
        Assert.Equal((name, "OrderMonitoring", "RecordsFailed", "Sum"), (alarm.AlarmName, alarm.Namespace, alarm.MetricName, alarm.Statistic));
        Assert.Equal((60, 2, 1.0, "GreaterThanOrEqualToThreshold"), (alarm.Period, alarm.EvaluationPeriods, alarm.Threshold, alarm.ComparisonOperator));
        Assert.Equal(["arn:aws:sns:us-east-1:123456789012:alerts"], alarm.AlarmActions);
        var dimension = Assert.Single(alarm.Dimensions);
        Assert.Equal(("Environment", "dev"), (dimension.Name, dimension.Value));
        Assert.False(string.IsNullOrEmpty(alarm.StateValue));
        Assert.Empty(none.MetricAlarms);
    }

    [Fact]
    public async Task GetMetricData_sums_what_was_put_and_refuses_an_inverted_range()
    {
        var metricName = "RecordsProcessed" + Guid.NewGuid().ToString("N");
        var now = DateTime.UtcNow;
        foreach (var value in new[] { "3", "4" })
        {
            await CallAsync(new QueryParameters("PutMetricData", "2010-08-01").Add("Namespace", "OrderMonitoring")
                .Add("MetricData.member.1.MetricName", metricName).Add("MetricData.member.1.Value", value)
                .Add("MetricData.member.1.Timestamp", now.AddMinutes(-1))
                .Add("MetricData.member.1.Dimensions.member.1.Name", "Environment").Add("MetricData.member.1.Dimensions.member.1.Value", "dev"));
        }

        using var cloudWatch = MotoConnection.Factory(moto).CreateCloudWatch();
        var query = new MetricDataQuery
        {
            Id = "m1",
            ReturnData = true,
            MetricStat = new MetricStat
            {
                Metric = new Metric { Namespace = "OrderMonitoring", MetricName = metricName, Dimensions = [new Dimension { Name = "Environment", Value = "dev" }] },
                Period = 3600,
                Stat = "Sum",
            },
        };

        var data = await cloudWatch.GetMetricDataAsync(new GetMetricDataRequest { MetricDataQueries = [query], StartTime = now.AddHours(-1), EndTime = now.AddHours(1) });
        var error = await Assert.ThrowsAsync<AwsServiceException>(() =>
            cloudWatch.GetMetricDataAsync(new GetMetricDataRequest { MetricDataQueries = [query], StartTime = now, EndTime = now.AddHours(-1) }));

        var result = Assert.Single(data.MetricDataResults);
        Assert.Equal("m1", result.Id);
        Assert.Equal(7.0, result.Values.Sum());
        Assert.Equal(result.Values.Count, result.Timestamps.Count);
        Assert.Equal(("ValidationError", "CloudWatch"), (error.ErrorCode, error.ServiceName));
        Assert.Contains("EndTime", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutMetricData_values_are_summed_by_GetMetricData()
    {
        var metricName = "RecordsQuarantined" + Guid.NewGuid().ToString("N");
        var now = DateTime.UtcNow;
        var dimension = new Dimension { Name = "Environment", Value = "dev" };
        using var cloudWatch = MotoConnection.Factory(moto).CreateCloudWatch();

        foreach (var value in new[] { 2.0, 3.0 })
        {
            await cloudWatch.PutMetricDataAsync(new PutMetricDataRequest
            {
                Namespace = "OrderMonitoring",
                MetricData = [new MetricDatum { MetricName = metricName, Dimensions = [dimension], Timestamp = now.AddMinutes(-1), Value = value, Unit = "Count" }],
            });
        }

        var data = await cloudWatch.GetMetricDataAsync(new GetMetricDataRequest
        {
            MetricDataQueries = [new MetricDataQuery
            {
                Id = "q", ReturnData = true,
                MetricStat = new MetricStat { Metric = new Metric { Namespace = "OrderMonitoring", MetricName = metricName, Dimensions = [dimension] }, Period = 3600, Stat = "Sum" },
            }],
            StartTime = now.AddHours(-1), EndTime = now.AddHours(1),
        });

        Assert.Equal(5.0, Assert.Single(data.MetricDataResults).Values.Sum());
    }

    [Fact]
    public async Task A_statistic_set_counts_as_its_values_for_GetMetricData()
    {
        var metricName = "RecordsProcessed" + Guid.NewGuid().ToString("N");
        var now = DateTime.UtcNow;
        var dimension = new Dimension { Name = "Environment", Value = "dev" };
        using var cloudWatch = MotoConnection.Factory(moto).CreateCloudWatch();

        await cloudWatch.PutMetricDataAsync(new PutMetricDataRequest
        {
            Namespace = "OrderMonitoring",
            MetricData = [new MetricDatum
            {
                MetricName = metricName, Dimensions = [dimension], Timestamp = now.AddMinutes(-1), Unit = "Count",
                StatisticValues = new StatisticSet { SampleCount = 4, Sum = 30, Minimum = 3, Maximum = 12 },
            }],
        });

        var data = await cloudWatch.GetMetricDataAsync(new GetMetricDataRequest
        {
            MetricDataQueries = [new MetricDataQuery
            {
                Id = "q", ReturnData = true,
                MetricStat = new MetricStat { Metric = new Metric { Namespace = "OrderMonitoring", MetricName = metricName, Dimensions = [dimension] }, Period = 3600, Stat = "Sum" },
            }],
            StartTime = now.AddHours(-1), EndTime = now.AddHours(1),
        });

        Assert.Equal(30.0, Assert.Single(data.MetricDataResults).Values.Sum());
    }

    private async Task CallAsync(QueryParameters parameters)
    {
        var protocol = new QueryProtocol(ServiceDescriptor.CloudWatch, new AwsConnection(RegionEndpoint.USEast1, moto.Credentials, moto.Endpoint));
        await protocol.InvokeAsync(parameters, CancellationToken.None);
    }
}
