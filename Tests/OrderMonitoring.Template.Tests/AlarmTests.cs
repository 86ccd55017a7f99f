using System.Text.Json.Nodes;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>Alarms that fire on what matters (a rate, a lag, records we could not handle, parked batches) and reach the topic.</summary>
public sealed class AlarmTests
{
    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void Error_alarm_compares_a_rate_over_invocations_with_5_percent()
    {
        var alarm = _template.Properties("LambdaErrorAlarm");
        Assert.Null(alarm["MetricName"]);
        var metrics = alarm["Metrics"]!.AsArray().ToDictionary(m => (string)m!["Id"]!, m => m!);

        AssertLambdaSum(metrics["m1"], "Errors");
        AssertLambdaSum(metrics["m2"], "Invocations");
        Assert.Equal("IF(m2 > 0, 100 * m1 / m2, 0)", (string?)metrics["e1"]["Expression"]);
        Assert.Equal(["e1"], metrics.Where(m => (bool?)m.Value["ReturnData"] != false).Select(m => m.Key));

        Assert.Equal(5, (double?)alarm["Threshold"]);
        Assert.Equal("GreaterThanThreshold", (string?)alarm["ComparisonOperator"]);
    }

    [Fact]
    public void Iterator_age_alarm_watches_the_maximum_lag()
    {
        var alarm = AlarmOn("AWS/Lambda", "IteratorAge");
        Assert.Equal("Maximum", (string?)alarm["Statistic"]);
        Assert.True(IsRef(alarm["Dimensions"]![0]!["Value"], "OrderProcessorLambda"));
        // Stream records expire after 24 h: the alarm must fire long before.
        Assert.InRange((double)alarm["Threshold"]!, 1, 3_600_000);
        Assert.Equal("GreaterThanThreshold", (string?)alarm["ComparisonOperator"]);
    }

    [Theory]
    [InlineData("RecordsFailed")]
    [InlineData("RecordsQuarantined")]
    public void Processor_metric_alarm_fires_on_any_record(string metricName)
    {
        var alarm = AlarmOn("OrderMonitoring", metricName);
        var dimension = Assert.Single(alarm["Dimensions"]!.AsArray())!;
        Assert.Equal("Environment", (string?)dimension["Name"]);
        Assert.True(IsRef(dimension["Value"], "EnvironmentSuffix"));
        Assert.Equal("Sum", (string?)alarm["Statistic"]);
        AssertAnyDatapointAboveZero(alarm);
    }

    [Fact]
    public void Failure_queue_alarm_fires_when_a_batch_waits()
    {
        var alarm = AlarmOn("AWS/SQS", "ApproximateNumberOfMessagesVisible");
        var dimension = Assert.Single(alarm["Dimensions"]!.AsArray())!;
        Assert.Equal("QueueName", (string?)dimension["Name"]);
        Assert.True(IsGetAtt(dimension["Value"], "FailureQueue", "QueueName"));
        AssertAnyDatapointAboveZero(alarm);
    }

    [Fact]
    public void Every_alarm_notifies_the_topic_and_treats_missing_data_as_fine()
    {
        var alarms = _template.ResourcesOfType("AWS::CloudWatch::Alarm").ToList();
        Assert.Equal(5, alarms.Count);
        Assert.All(alarms, alarm =>
        {
            var properties = alarm.Value["Properties"]!;
            Assert.Equal("notBreaching", (string?)properties["TreatMissingData"]);
            Assert.Contains(properties["AlarmActions"]!.AsArray(), a => IsRef(a, "OrderAlertsTopic"));
            Assert.Contains("${EnvironmentSuffix}", SubText(properties["AlarmName"]), StringComparison.Ordinal);
        });
    }

    private JsonObject AlarmOn(string metricNamespace, string metricName) =>
        _template.ResourcesOfType("AWS::CloudWatch::Alarm")
            .Select(a => a.Value["Properties"]!.AsObject())
            .Single(p => (string?)p["Namespace"] == metricNamespace && (string?)p["MetricName"] == metricName);

    private static void AssertLambdaSum(JsonNode query, string metricName)
    {
        var stat = query["MetricStat"]!;
        Assert.Equal("AWS/Lambda", (string?)stat["Metric"]!["Namespace"]);
        Assert.Equal(metricName, (string?)stat["Metric"]!["MetricName"]);
        Assert.True(IsRef(stat["Metric"]!["Dimensions"]![0]!["Value"], "OrderProcessorLambda"));
        Assert.Equal("Sum", (string?)stat["Stat"]);
    }

    private static void AssertAnyDatapointAboveZero(JsonObject alarm)
    {
        Assert.Equal(0, (double?)alarm["Threshold"]);
        Assert.Equal("GreaterThanThreshold", (string?)alarm["ComparisonOperator"]);
    }
}
