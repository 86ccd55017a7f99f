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
    public void Every_alarm_notifies_the_operations_topic_and_treats_missing_data_as_fine()
    {
        // The operations topic has its own key: a broken order-alerts key cannot silence the processor's alarms. Only the
        // alarm about the operations topic's own deliveries goes the other way, to the order alerts.
        var alarms = _template.ResourcesOfType("AWS::CloudWatch::Alarm").ToList();
        Assert.Equal(9, alarms.Count);
        Assert.All(alarms, alarm =>
        {
            var properties = alarm.Value["Properties"]!;
            var topic = alarm.Key == "OperationsDeliveryFailuresAlarm" ? "OrderAlertsTopic" : "OperationsTopic";
            Assert.Equal("notBreaching", (string?)properties["TreatMissingData"]);
            Assert.True(IsRef(Assert.Single(properties["AlarmActions"]!.AsArray()), topic), alarm.Key);
            Assert.True(IsRef(Assert.Single(properties["OKActions"]!.AsArray()), topic), alarm.Key);
            Assert.Contains("${EnvironmentSuffix}", SubText(properties["AlarmName"]), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Destination_delivery_failures_alarm_fires_when_a_failed_batch_cannot_be_kept()
    {
        var alarm = AlarmOn("AWS/Lambda", "DestinationDeliveryFailures");
        Assert.True(IsRef(Assert.Single(alarm["Dimensions"]!.AsArray())!["Value"], "OrderProcessorLambda"));
        Assert.Equal("Sum", (string?)alarm["Statistic"]);
        AssertAnyDatapointAboveZero(alarm);
    }

    [Theory]
    [InlineData("OrderAlertsTopic", "OperationsTopic")]
    [InlineData("OperationsTopic", "OrderAlertsTopic")]
    public void Each_topics_failed_deliveries_are_reported_on_the_other_topic(string watched, string notified)
    {
        var alarm = _template.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => a.Value["Properties"]!.AsObject())
            .Single(p => (string?)p["MetricName"] == "NumberOfNotificationsFailed" && IsGetAtt(p["Dimensions"]![0]!["Value"], watched, "TopicName"));
        Assert.Equal("AWS/SNS", (string?)alarm["Namespace"]);
        Assert.Equal("TopicName", (string?)alarm["Dimensions"]![0]!["Name"]);
        Assert.True(IsRef(alarm["AlarmActions"]![0], notified));
        AssertAnyDatapointAboveZero(alarm);
    }

    [Fact]
    public void Stream_not_consumed_alarm_fires_when_orders_are_written_and_the_processor_is_not_invoked()
    {
        // No metric reports an event source mapping's state, and IteratorAge goes silent when the mapping is disabled:
        // writes to the table with no invocation for two whole periods is what a disabled, deleted or stuck mapping looks like.
        var resource = _template.Resource("StreamNotConsumedAlarm");
        Assert.Equal("UseLambdaTrigger", (string?)resource["Condition"]);
        var alarm = resource["Properties"]!;
        var metrics = alarm["Metrics"]!.AsArray().ToDictionary(m => (string)m!["Id"]!, m => m!);
        var writes = metrics["writes"]["MetricStat"]!["Metric"]!;
        Assert.Equal(("AWS/DynamoDB", "ConsumedWriteCapacityUnits"), ((string?)writes["Namespace"], (string?)writes["MetricName"]));
        Assert.Equal("order-events-${EnvironmentSuffix}", SubText(writes["Dimensions"]![0]!["Value"]));
        AssertLambdaSum(metrics["invocations"], "Invocations");
        Assert.Equal("IF(FILL(writes, 0) > 0 AND FILL(invocations, 0) == 0, 1, 0)", (string?)metrics["e1"]["Expression"]);
        Assert.Equal(["e1"], metrics.Where(m => (bool?)m.Value["ReturnData"] != false).Select(m => m.Key));
        Assert.Equal((2, 2), ((int)alarm["EvaluationPeriods"]!, (int)alarm["DatapointsToAlarm"]!));
        Assert.Equal(0, (double?)alarm["Threshold"]);
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
