using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Tests.Streams;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

public sealed class StackReaderTests
{
    private const string StreamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/order-events-dev/stream/2026-01-01T00:00:00.000";
    private readonly FakeCloudFormation _cloudFormation = new();
    private readonly FakeStreams _streams = new();

    public StackReaderTests()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Outputs.Clear();
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "ProcessorTrigger", ParameterValue = "External" });
        _cloudFormation.ResourcePageSize = 2;
        _cloudFormation.AddResource("OrderEventsTable", "AWS::DynamoDB::Table", "order-events-dev");
        _cloudFormation.AddResource("AuditLogsBucket", "AWS::S3::Bucket", "order-audit-logs-dev-123456789012-us-east-1");
        _cloudFormation.AddResource("OrderAlertsTopic", "AWS::SNS::Topic", "arn:aws:sns:us-east-1:123456789012:order-alerts-dev");
        _cloudFormation.AddResource("OrderProcessorLambda", "AWS::Lambda::Function", "order-processor-dev");
        _cloudFormation.AddResource("FailureQueue", "AWS::SQS::Queue", "https://sqs.us-east-1.amazonaws.com/123456789012/order-processor-failures-dev");
        _cloudFormation.AddResource("MonitoringDashboard", "AWS::CloudWatch::Dashboard", "order-monitoring-dev");
        _streams.Arns["order-events-dev"] = StreamArn;
    }

    [Fact]
    public async Task Missing_outputs_are_filled_from_the_resources_on_every_page_and_the_stream_arn_from_the_table()
    {
        var stack = await new StackReader(_cloudFormation, "us-east-1", _streams).GetAsync(FakeCloudFormation.StackName, CancellationToken.None);

        Assert.NotNull(stack);
        Assert.Equal("order-events-dev", stack.TableName);
        Assert.Equal(StreamArn, stack.StreamArn);
        Assert.Equal("order-audit-logs-dev-123456789012-us-east-1", stack.AuditBucketName);
        Assert.Equal("arn:aws:sns:us-east-1:123456789012:order-alerts-dev", stack.TopicArn);
        Assert.Equal("order-processor-dev", stack.FunctionName);
        Assert.Equal("https://sqs.us-east-1.amazonaws.com/123456789012/order-processor-failures-dev", stack.FailureQueueUrl);
        Assert.Equal("order-monitoring-dev", stack.DashboardName);
        Assert.Equal(("dev", "External"), (stack.Environment, stack.ProcessorTrigger));
        Assert.Empty(stack.Outputs); // the raw outputs stay what CloudFormation said
        Assert.Contains("ListStackResources:4", _cloudFormation.Calls);
    }

    [Fact]
    public async Task A_stack_on_a_kept_table_names_the_table_from_the_environment_and_the_stream_from_its_parameter()
    {
        _cloudFormation.Resources.RemoveAll(r => r.LogicalResourceId == "OrderEventsTable");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "EnvironmentSuffix", ParameterValue = "dev" });
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "OrderTableSource", ParameterValue = "Existing" });
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "OrderTableStreamArn", ParameterValue = "arn:kept-stream" });

        var stack = await new StackReader(_cloudFormation, "us-east-1", _streams).GetAsync(FakeCloudFormation.StackName, CancellationToken.None);

        Assert.Equal(("order-events-dev", "arn:kept-stream"), (stack!.TableName, stack.StreamArn));
    }

    [Fact]
    public async Task The_alert_detail_is_the_stacks_parameter_and_unknown_on_stacks_older_than_it()
    {
        var reader = new StackReader(_cloudFormation, "us-east-1", _streams);
        Assert.Null((await reader.GetAsync(FakeCloudFormation.StackName, CancellationToken.None))!.AlertDetail);

        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = "AlertDetail", ParameterValue = "Full" });
        Assert.Equal("Full", (await reader.GetAsync(FakeCloudFormation.StackName, CancellationToken.None))!.AlertDetail);
    }

    [Fact]
    public async Task Outputs_win_over_resources_and_a_complete_stack_needs_no_resource_listing()
    {
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["OrderEventsTableName"] = "t", ["OrderEventsTableStreamArn"] = "s", ["AuditLogsBucketName"] = "b", ["OrderAlertsTopicArn"] = "a",
            ["OrderProcessorLambdaName"] = "f", ["FailureQueueUrl"] = "q", ["DashboardName"] = "d",
        })
        {
            _cloudFormation.Outputs[key] = value;
        }

        var stack = await new StackReader(_cloudFormation, "us-east-1", _streams).GetAsync(FakeCloudFormation.StackName, CancellationToken.None);

        Assert.Equal("t s b a f q d", string.Join(" ", stack!.TableName, stack.StreamArn, stack.AuditBucketName, stack.TopicArn, stack.FunctionName,
            stack.FailureQueueUrl, stack.DashboardName));
        Assert.DoesNotContain(_cloudFormation.Calls, call => call.StartsWith("ListStackResources", StringComparison.Ordinal));
        Assert.Empty(_streams.Asked);
    }

    [Fact]
    public async Task A_name_neither_output_nor_resource_gives_stays_empty()
    {
        _cloudFormation.Resources.RemoveAll(resource => resource.LogicalResourceId == "MonitoringDashboard");
        _streams.Arns.Clear();

        var stack = await new StackReader(_cloudFormation, "us-east-1", _streams).GetAsync(FakeCloudFormation.StackName, CancellationToken.None);

        Assert.Null(stack!.DashboardName);
        Assert.Null(stack.StreamArn);
        Assert.Equal("order-processor-dev", stack.FunctionName);
    }

    private sealed class FakeStreams : IStreamArnLookup
    {
        public Dictionary<string, string> Arns { get; } = new(StringComparer.Ordinal);

        public List<string> Asked { get; } = new();

        public Task<string?> FindAsync(string tableName, CancellationToken cancellationToken)
        {
            Asked.Add(tableName);
            return Task.FromResult(Arns.TryGetValue(tableName, out var arn) ? arn : null);
        }
    }
}
