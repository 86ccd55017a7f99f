using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>The stream trigger: optional (External), starts at the oldest record, never blocks a shard forever, parks failures in a queue.</summary>
public sealed class StreamTriggerTests
{
    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void Processor_trigger_parameter_defaults_to_lambda_and_allows_external()
    {
        var trigger = _template.Parameters["ProcessorTrigger"]!;
        Assert.Equal("Lambda", (string?)trigger["Default"]);
        Assert.Equal(["External", "Lambda"], trigger["AllowedValues"]!.AsArray().Select(v => (string)v!).Order());
    }

    [Fact]
    public void Mapping_exists_only_when_the_trigger_is_lambda()
    {
        var conditionName = (string?)_template.Resource("LambdaEventSourceMapping")["Condition"];
        Assert.NotNull(conditionName);
        var equals = _template.Conditions[conditionName]!["Fn::Equals"]!.AsArray();
        Assert.True(IsRef(equals[0], "ProcessorTrigger"));
        Assert.Equal("Lambda", (string?)equals[1]);
    }

    [Fact]
    public void Nothing_else_depends_on_the_conditional_mapping()
    {
        // A Ref or GetAtt to a resource left out by its condition would break the External deployment.
        var references = _template.Resources.Where(r => r.Key != "LambdaEventSourceMapping").Select(r => r.Value)
            .Concat(_template.Outputs.Select(o => o.Value))
            .SelectMany(Descendants)
            .Where(n => IsRef(n, "LambdaEventSourceMapping") || (n is System.Text.Json.Nodes.JsonObject o && o["Fn::GetAtt"]?[0]?.ToString() == "LambdaEventSourceMapping"));
        Assert.Empty(references);
        Assert.DoesNotContain("${LambdaEventSourceMapping", _template.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_reads_from_the_start_reports_partial_failures_and_bisects()
    {
        var mapping = _template.Properties("LambdaEventSourceMapping");
        Assert.Equal("TRIM_HORIZON", (string?)mapping["StartingPosition"]);
        Assert.Equal(["ReportBatchItemFailures"], mapping["FunctionResponseTypes"]!.AsArray().Select(v => (string?)v));
        Assert.True((bool)mapping["BisectBatchOnFunctionError"]!);
    }

    [Fact]
    public void Retries_and_record_age_are_finite_so_one_bad_record_cannot_block_its_shard()
    {
        var mapping = _template.Properties("LambdaEventSourceMapping");
        var retries = (int?)mapping["MaximumRetryAttempts"];
        var age = (int?)mapping["MaximumRecordAgeInSeconds"];
        Assert.InRange(retries!.Value, 0, 10_000);
        // Stream records live 24 h; a limit below that leaves time to replay from the failure queue's sequence range.
        Assert.InRange(age!.Value, 60, 24 * 3600 - 1);
    }

    [Fact]
    public void Failed_batches_go_whole_to_the_failed_batches_bucket_not_to_the_metadata_only_queue()
    {
        var destination = _template.Properties("LambdaEventSourceMapping")["DestinationConfig"]!["OnFailure"]!["Destination"];
        Assert.True(IsGetAtt(FailedBatchesBucketTests.Created(destination), "FailedBatchesBucket", "Arn"));
    }

    [Fact]
    public void The_old_failure_queue_stays_encrypted_for_14_days_with_its_alarm_for_what_is_already_in_it()
    {
        // Nothing sends to it any more; it is kept (not deleted with what it holds) so metadata-only records from before
        // the S3 destination can still be replayed, and its alarm keeps saying when any wait there.
        Assert.Equal("AWS::SQS::Queue", _template.TypeOf("FailureQueue"));
        var queue = _template.Properties("FailureQueue");
        Assert.Equal(14 * 24 * 3600, (int?)queue["MessageRetentionPeriod"]);
        Assert.True(queue["SqsManagedSseEnabled"] is { } sse ? (bool)sse : queue["KmsMasterKeyId"] is not null, "The failure queue must be encrypted.");
        var alarm = _template.Properties("FailureQueueAlarm");
        Assert.Equal("ApproximateNumberOfMessagesVisible", (string?)alarm["MetricName"]);
        Assert.True(IsGetAtt(alarm["Dimensions"]![0]!["Value"], "FailureQueue", "QueueName"));
        Assert.Contains("-FailedBatches", (string?)alarm["AlarmDescription"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_old_failure_queue_refuses_every_request_without_tls()
    {
        var policy = Assert.Single(_template.ResourcesOfType("AWS::SQS::QueuePolicy")).Value["Properties"]!;
        Assert.True(IsRef(Assert.Single(policy["Queues"]!.AsArray()), "FailureQueue"));
        var deny = Assert.Single(policy["PolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Equal(("Deny", "*", "sqs:*"), ((string?)deny["Effect"], (string?)deny["Principal"], (string?)deny["Action"]));
        Assert.True(IsGetAtt(deny["Resource"], "FailureQueue", "Arn"));
        Assert.Equal("false", (string?)deny["Condition"]!["Bool"]!["aws:SecureTransport"]);
    }
}
