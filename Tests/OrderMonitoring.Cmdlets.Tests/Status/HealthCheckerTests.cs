using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Status;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.Cmdlets.Tests.Stacks;

namespace OrderMonitoring.Cmdlets.Tests.Status;

public sealed class HealthCheckerTests
{
    private const string FailedBatchesBucket = "order-failed-batches-dev-123456789012-us-east-1";
    private const string QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/order-processor-failures-dev";
    private static readonly DateTime Until = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Since = Until.AddHours(-1);

    private readonly FakeCloudFormation _cloudFormation = new();
    private readonly FakeAlarms _alarms = new();
    private readonly FakeMetrics _metrics = new();
    private readonly FakeQueues _queues = new();
    private readonly FakeFailedBatches _failedBatches = new();
    private readonly FakeEventSourceMappings _mappings = new();
    private readonly RecordingReporter _reporter = new();

    public HealthCheckerTests()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Outputs["OrderProcessorLambdaName"] = "order-processor-dev";
        _cloudFormation.Outputs["FailureQueueUrl"] = QueueUrl;
        _cloudFormation.Outputs["EnvironmentSuffix"] = "dev";
        _cloudFormation.AddResource("LambdaErrorAlarm", "AWS::CloudWatch::Alarm", "order-processor-errors-dev");
        _cloudFormation.AddResource("FailureQueueAlarm", "AWS::CloudWatch::Alarm", "order-processor-failure-queue-dev");
        _alarms.Add("order-processor-errors-dev", "OK");
        _alarms.Add("order-processor-failure-queue-dev", "INSUFFICIENT_DATA");
        _alarms.Add("order-processor-errors-prod", "ALARM", "another environment");
        _queues.Depths[QueueUrl] = new QueueDepth(0, 0);
        _cloudFormation.Outputs["FailedBatchesBucketName"] = FailedBatchesBucket;
        _failedBatches.Pending[FailedBatchesBucket] = 0;
        _mappings.Add("order-processor-dev", "Enabled", "OK");
    }

    [Fact]
    public async Task A_quiet_environment_is_healthy_and_reports_each_declared_alarm()
    {
        _metrics.Answer = new ProcessorMetrics(Invocations: 120, Errors: 0, RecordsFailed: 0, RecordsQuarantined: 0, MaxIteratorAgeMs: 850, Array.Empty<string>());

        var status = await Check();

        Assert.True(status.Healthy);
        Assert.Empty(status.Reasons);
        Assert.Empty(status.Warnings);
        Assert.Equal(new[] { "order-processor-errors-dev:OK", "order-processor-failure-queue-dev:INSUFFICIENT_DATA" },
            status.Alarms.Select(alarm => $"{alarm.Name}:{alarm.State}"));
        Assert.Equal(120, status.Invocations);
        Assert.Equal(850, status.MaxIteratorAgeMs);
        Assert.Equal(("order-processor-dev", "dev"), (_metrics.Asked!.Value.Scope.FunctionName, _metrics.Asked.Value.Scope.Environment));
        Assert.Equal((Since, Until), (_metrics.Asked.Value.Since, _metrics.Asked.Value.Until));
        Assert.Equal(("dev", "order-monitoring-dev", "CREATE_COMPLETE"), (status.Environment, status.StackName, status.StackStatus));
    }

    [Fact]
    public async Task An_alarm_in_ALARM_makes_it_unhealthy_with_the_alarms_reason()
    {
        _alarms.Alarms[0] = new AlarmStatus { Name = "order-processor-errors-dev", State = "ALARM", Reason = "Threshold Crossed: 1 datapoint [12.5] > 5" };

        var status = await Check();

        Assert.False(status.Healthy);
        Assert.Equal("Alarm order-processor-errors-dev is in ALARM: Threshold Crossed: 1 datapoint [12.5] > 5", Assert.Single(status.Reasons));
    }

    [Fact]
    public async Task Messages_in_the_failure_queue_make_it_unhealthy()
    {
        _queues.Depths[QueueUrl] = new QueueDepth(Visible: 2, InFlight: 1);

        var status = await Check();

        Assert.False(status.Healthy);
        Assert.Equal((2, 1), (status.FailureQueueDepth, status.FailureQueueInFlight));
        var reason = Assert.Single(status.Reasons);
        Assert.StartsWith("3 message(s) in the failure queue", reason, StringComparison.Ordinal);
        Assert.Contains("Invoke-OrderEventProcessor -FailedBatches", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_batches_not_yet_replayed_are_counted_and_keep_it_unhealthy_until_none_are_left()
    {
        _failedBatches.Pending[FailedBatchesBucket] = 2;

        var pending = await Check();

        Assert.Equal([FailedBatchesBucket], _failedBatches.Asked);
        Assert.False(pending.Healthy);
        Assert.Equal(2, pending.FailedBatchesPending);
        var reason = Assert.Single(pending.Reasons);
        Assert.StartsWith($"2 failed batch(es) in s3://{FailedBatchesBucket} not yet replayed", reason, StringComparison.Ordinal);
        Assert.Contains("Invoke-OrderEventProcessor -FailedBatches", reason, StringComparison.Ordinal);

        _failedBatches.Pending[FailedBatchesBucket] = 0;
        var replayed = await Check();

        Assert.True(replayed.Healthy);
        Assert.Equal(0, replayed.FailedBatchesPending);
    }

    [Fact]
    public async Task A_failed_batches_bucket_that_does_not_exist_is_a_warning_and_counts_nothing()
    {
        _failedBatches.Pending.Clear();

        var status = await Check();

        Assert.True(status.Healthy);
        Assert.Equal(0, status.FailedBatchesPending);
        Assert.Contains(status.Warnings, warning => warning.Contains($"{FailedBatchesBucket} does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_metrics_count_as_zero_and_the_environment_stays_healthy()
    {
        var status = await Check(); // FakeMetrics answers zeros: what CloudWatchMetricSource returns for no datapoints

        Assert.True(status.Healthy);
        Assert.Equal(new double[] { 0, 0, 0, 0, 0 },
            new[] { status.Invocations, status.Errors, status.RecordsFailed, status.RecordsQuarantined, status.MaxIteratorAgeMs });
    }

    [Fact]
    public async Task Failed_and_quarantined_records_a_lagging_processor_and_a_high_error_rate_are_each_a_reason()
    {
        _metrics.Answer = new ProcessorMetrics(Invocations: 10, Errors: 3, RecordsFailed: 4, RecordsQuarantined: 1, MaxIteratorAgeMs: 600_000, Array.Empty<string>());

        var status = await Check();

        Assert.False(status.Healthy);
        Assert.Equal(4, status.Reasons.Count);
        Assert.Contains("The processor failed 4 record(s).", status.Reasons);
        Assert.Contains(status.Reasons, reason => reason.StartsWith("The processor quarantined 1 record(s)", StringComparison.Ordinal));
        Assert.Contains(status.Reasons, reason => reason.Contains("iterator age", StringComparison.Ordinal));
        Assert.Contains("3 of 10 processor invocation(s) failed.", status.Reasons);
    }

    [Fact]
    public async Task Errors_below_the_alarm_rate_are_a_warning_only()
    {
        _metrics.Answer = new ProcessorMetrics(Invocations: 100, Errors: 1, RecordsFailed: 0, RecordsQuarantined: 0, MaxIteratorAgeMs: 0, Array.Empty<string>());

        var status = await Check();

        Assert.True(status.Healthy);
        Assert.Contains(status.Warnings, warning => warning.StartsWith("1 of 100 processor invocation(s) failed", StringComparison.Ordinal));
        Assert.Contains(_reporter.Verbose, line => line.StartsWith("WARNING: 1 of 100", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Declared_alarms_missing_from_CloudWatch_are_a_warning_not_unhealthy()
    {
        _cloudFormation.AddResource("IteratorAgeAlarm", "AWS::CloudWatch::Alarm", "order-processor-iterator-age-dev");

        var status = await Check();

        Assert.True(status.Healthy);
        Assert.Contains(status.Warnings, warning => warning.Contains("order-processor-iterator-age-dev", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stack_that_lists_no_alarms_is_matched_by_name_and_none_found_is_a_warning()
    {
        _cloudFormation.Resources.Clear();
        _alarms.Alarms.RemoveAll(alarm => alarm.Name.EndsWith("-dev", StringComparison.Ordinal));

        var status = await Check();

        Assert.True(status.Healthy);
        Assert.Empty(status.Alarms); // the prod alarm shares the prefix but not the environment
        Assert.Contains("prefix:order-processor-", _alarms.Requests);
        Assert.Contains(status.Warnings, warning => warning.StartsWith("No CloudWatch alarms found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stack_in_a_failed_state_is_unhealthy()
    {
        _cloudFormation.Statuses.Clear();
        _cloudFormation.Statuses.Enqueue("UPDATE_ROLLBACK_FAILED");

        var status = await Check();

        Assert.False(status.Healthy);
        Assert.Contains(status.Reasons, reason => reason.StartsWith("The stack is UPDATE_ROLLBACK_FAILED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_stack_is_a_not_found_error()
    {
        _cloudFormation.Statuses.Clear();
        _cloudFormation.Statuses.Enqueue(null);

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(Check);

        Assert.Equal(("StackNotFound", FailureKind.NotFound), (error.ErrorId, error.Kind));
    }

    [Fact]
    public async Task An_enabled_mapping_that_processed_records_or_none_is_healthy_and_reported()
    {
        _mappings.ByFunction.Clear();
        _mappings.Add("order-processor-dev", "Enabled", "No records processed");

        var status = await Check();

        Assert.True(status.Healthy);
        Assert.Empty(status.Warnings);
        Assert.Equal(("Lambda", "Enabled"), (status.ProcessorTrigger, status.EventSourceMappingState));
        Assert.Equal("mapping-1", Assert.Single(status.EventSourceMappings).Uuid);
        Assert.Equal(new[] { "order-processor-dev" }, _mappings.Asked);
    }

    [Fact]
    public async Task A_disabled_mapping_makes_it_unhealthy_even_when_every_alarm_is_quiet()
    {
        _mappings.ByFunction.Clear();
        _mappings.Add("order-processor-dev", "Disabled", "No records processed", "User action");

        var status = await Check();

        Assert.False(status.Healthy);
        Assert.Equal("Disabled", status.EventSourceMappingState);
        Assert.Equal("The event source mapping mapping-1 of order-processor-dev is Disabled (User action): the order stream is not being processed.",
            Assert.Single(status.Reasons));
    }

    [Fact]
    public async Task A_mapping_whose_last_processing_failed_makes_it_unhealthy()
    {
        _mappings.ByFunction.Clear();
        _mappings.Add("order-processor-dev", "Enabled", "PROBLEM: Function call failed");

        var status = await Check();

        Assert.False(status.Healthy);
        Assert.Equal("The event source mapping mapping-1 of order-processor-dev reports a problem: PROBLEM: Function call failed.", Assert.Single(status.Reasons));
    }

    [Fact]
    public async Task A_Lambda_triggered_stack_without_a_mapping_is_unhealthy()
    {
        _mappings.ByFunction.Clear();
        _cloudFormation.Parameters.Add(new Parameter { ParameterKey = "ProcessorTrigger", ParameterValue = "Lambda" });

        var status = await Check();

        Assert.False(status.Healthy);
        Assert.Equal("None", status.EventSourceMappingState);
        Assert.StartsWith("The processor function order-processor-dev has no event source mapping", Assert.Single(status.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_External_stack_without_a_mapping_is_healthy_and_says_so()
    {
        _mappings.ByFunction.Clear();
        _cloudFormation.Parameters.Add(new Parameter { ParameterKey = "ProcessorTrigger", ParameterValue = "External" });

        var status = await Check();

        Assert.True(status.Healthy);
        Assert.Empty(status.Warnings);
        Assert.Equal(("External", "None"), (status.ProcessorTrigger, status.EventSourceMappingState));
        Assert.Contains(_reporter.Verbose, line => line.Contains("No event source mapping, as expected with ProcessorTrigger External", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_mapping_listing_is_a_warning_naming_the_permission_not_a_failure()
    {
        _mappings.Refusal = new AwsServiceException("Lambda", "ListEventSourceMappings", "AccessDeniedException", "not authorized", "r-1",
            System.Net.HttpStatusCode.Forbidden, isRetryable: false);

        var status = await Check();

        Assert.True(status.Healthy);
        Assert.Equal("Unknown", status.EventSourceMappingState);
        Assert.Contains("lambda:ListEventSourceMappings", Assert.Single(status.Warnings), StringComparison.Ordinal);
    }

    private Task<MonitoringStatus> Check() =>
        new HealthChecker(new StackReader(_cloudFormation, "us-east-1"), _alarms, _metrics, _queues, _failedBatches, _mappings)
            .CheckAsync(FakeCloudFormation.StackName, Since, Until, _reporter, CancellationToken.None);
}
