using System.Text.Json;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Aws.Protocol.Json;
using OrderMonitoring.Aws.Protocol.Query;
using OrderMonitoring.Aws.Sns;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Aws.Tests;

/// <summary>Every request we build, with every member we support set, checked against botocore's official service models.</summary>
public sealed class RequestShapeTests
{
    private static readonly Lazy<ServiceModel> CloudFormationModel = new(() => ServiceModel.Load("cloudformation"));
    private static readonly Lazy<ServiceModel> SnsModel = new(() => ServiceModel.Load("sns"));
    private static readonly Lazy<ServiceModel> CloudWatchModel = new(() => ServiceModel.Load("cloudwatch"));
    private static readonly Lazy<ServiceModel> StreamsModel = new(() => ServiceModel.Load("dynamodbstreams"));

    public static TheoryData<string> QueryOperations => new(QueryRequests().Keys);

    public static TheoryData<string> JsonOperations => new(JsonRequests().Keys);

    [Theory]
    [MemberData(nameof(QueryOperations))]
    public void Query_request_fits_the_service_model(string operation)
    {
        var (model, fields) = QueryRequests()[operation];

        var problems = model.Value.CheckQuery(operation.Split(':')[1], fields.Fields);

        Assert.Empty(problems);
        Assert.True(fields.Fields.Count > 2, "The request sends members besides Action and Version.");
    }

    [Theory]
    [MemberData(nameof(JsonOperations))]
    public void Json_request_fits_the_service_model(string operation)
    {
        var body = JsonSerializer.SerializeToElement(JsonRequests()[operation], JsonRequests()[operation].GetType(), JsonProtocol.SerializerOptions);

        var problems = StreamsModel.Value.CheckJson(operation, body);

        Assert.Empty(problems);
    }

    [Fact]
    public void The_checker_notices_a_misspelled_member_and_a_missing_required_one()
    {
        var fields = new QueryParameters("CreateChangeSet", "2010-05-15").Add("StackName", "s").Add("Parameters.member.1.ParamKey", "k");

        var problems = CloudFormationModel.Value.CheckQuery("CreateChangeSet", fields.Fields);

        Assert.Contains(problems, p => p.Contains("ParamKey", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ChangeSetName", StringComparison.Ordinal));
    }

    private static Dictionary<string, (Lazy<ServiceModel> Model, QueryParameters Fields)> QueryRequests() => new()
    {
        ["cloudformation:CreateChangeSet"] = (CloudFormationModel, CloudFormationRequests.CreateChangeSet(new CreateChangeSetRequest
        {
            StackName = "s", ChangeSetName = "c", ChangeSetType = ChangeSetType.UPDATE, TemplateBody = "{}", TemplateURL = "https://b.s3.amazonaws.com/t.json",
            UsePreviousTemplate = false, Parameters = [new Parameter { ParameterKey = "k", ParameterValue = "v" }, new Parameter { ParameterKey = "p", UsePreviousValue = true }],
            Capabilities = [Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM], Tags = [new Tag { Key = "a", Value = "b" }],
            NotificationARNs = ["arn:aws:sns:us-east-1:1:t"], RoleARN = "arn:aws:iam::1:role/r", Description = "d", ClientToken = "t", OnStackFailure = "DELETE",
        })),
        ["cloudformation:DescribeChangeSet"] = (CloudFormationModel, CloudFormationRequests.DescribeChangeSet(new DescribeChangeSetRequest { ChangeSetName = "c", StackName = "s", NextToken = "n" })),
        ["cloudformation:ExecuteChangeSet"] = (CloudFormationModel, CloudFormationRequests.ExecuteChangeSet(new ExecuteChangeSetRequest { ChangeSetName = "c", StackName = "s", ClientRequestToken = "t", DisableRollback = true })),
        ["cloudformation:DeleteChangeSet"] = (CloudFormationModel, CloudFormationRequests.DeleteChangeSet(new DeleteChangeSetRequest { ChangeSetName = "c", StackName = "s" })),
        ["cloudformation:DescribeStacks"] = (CloudFormationModel, CloudFormationRequests.DescribeStacks(new DescribeStacksRequest { StackName = "s", NextToken = "n" })),
        ["cloudformation:DescribeStackEvents"] = (CloudFormationModel, CloudFormationRequests.DescribeStackEvents(new DescribeStackEventsRequest { StackName = "s", NextToken = "n" })),
        ["cloudformation:ListStackResources"] = (CloudFormationModel, CloudFormationRequests.ListStackResources(new ListStackResourcesRequest { StackName = "s", NextToken = "n" })),
        ["cloudformation:DeleteStack"] = (CloudFormationModel, CloudFormationRequests.DeleteStack(new DeleteStackRequest { StackName = "s", RetainResources = ["Bucket"], RoleARN = "arn:aws:iam::1:role/r", ClientRequestToken = "t" })),
        ["sns:Publish"] = (SnsModel, SnsRequests.Publish(new PublishRequest
        {
            TopicArn = "arn:aws:sns:us-east-1:1:t", Message = "m", Subject = "s",
            MessageAttributes = { ["orderId"] = new MessageAttributeValue { StringValue = "42" }, ["n"] = new MessageAttributeValue { DataType = "Number", StringValue = "1" } },
        })),
        ["sns:Subscribe"] = (SnsModel, SnsRequests.Subscribe(new SubscribeRequest { TopicArn = "t", Protocol = "email", Endpoint = "a@b.c", Attributes = { ["RawMessageDelivery"] = "true" }, ReturnSubscriptionArn = true })),
        ["sns:Unsubscribe"] = (SnsModel, SnsRequests.Unsubscribe(new UnsubscribeRequest { SubscriptionArn = "arn" })),
        ["sns:ListSubscriptionsByTopic"] = (SnsModel, SnsRequests.ListSubscriptionsByTopic(new ListSubscriptionsByTopicRequest { TopicArn = "t", NextToken = "n" })),
        ["cloudwatch:DescribeAlarms"] = (CloudWatchModel, CloudWatchRequests.DescribeAlarms(new DescribeAlarmsRequest
        {
            AlarmNames = ["a", "b"], AlarmNamePrefix = "p", StateValue = "ALARM", ActionPrefix = "arn", MaxRecords = 50, NextToken = "n",
        })),
        ["cloudwatch:GetMetricData"] = (CloudWatchModel, CloudWatchRequests.GetMetricData(new GetMetricDataRequest
        {
            MetricDataQueries =
            [
                new MetricDataQuery { Id = "m1", ReturnData = false, MetricStat = new MetricStat { Metric = new Metric { Namespace = "AWS/Lambda", MetricName = "Errors", Dimensions = [new Dimension { Name = "FunctionName", Value = "f" }] }, Period = 300, Stat = "Sum", Unit = "Count" } },
                new MetricDataQuery { Id = "e1", Expression = "IF(m2 > 0, 100 * m1 / m2, 0)", Label = "Error rate", ReturnData = true, Period = 300 },
            ],
            StartTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), EndTime = new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc),
            NextToken = "n", ScanBy = "TimestampAscending", MaxDatapoints = 1000,
        })),
        ["cloudwatch:PutMetricData"] = (CloudWatchModel, CloudWatchRequests.PutMetricData(new PutMetricDataRequest
        {
            Namespace = "OrderMonitoring",
            MetricData =
            [
                new MetricDatum { MetricName = "RecordsQuarantined", Dimensions = [new Dimension { Name = "Environment", Value = "dev" }], Timestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), Value = 2, Unit = "Count" },
                new MetricDatum { MetricName = "ProcessingLagMs", Value = 12.5, Unit = "Milliseconds" },
                new MetricDatum { MetricName = "RecordsProcessed", StatisticValues = new StatisticSet { SampleCount = 3, Sum = 30, Minimum = 5, Maximum = 15 }, Unit = "Count" },
            ],
        })),
    };

    private static Dictionary<string, object> JsonRequests() => new()
    {
        ["ListStreams"] = new ListStreamsRequest { TableName = "t", Limit = 10, ExclusiveStartStreamArn = "arn" },
        ["DescribeStream"] = new DescribeStreamRequest { StreamArn = "arn", Limit = 100, ExclusiveStartShardId = "shard" },
        ["GetShardIterator"] = new GetShardIteratorRequest { StreamArn = "arn", ShardId = "shard", ShardIteratorType = ShardIteratorType.AFTER_SEQUENCE_NUMBER, SequenceNumber = "1" },
        ["GetRecords"] = new GetRecordsRequest { ShardIterator = "it", Limit = 1000 },
    };
}
