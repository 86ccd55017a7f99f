using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Sns;
using Streams = OrderMonitoring.Aws.Streams;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Template.Tests;

/// <summary>
/// The template deployed through a change set to moto, once per trigger mode. moto skips the types it does not model
/// (alarms, the bucket policy) and ignores some bucket properties; the parsed-template tests cover those.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class MotoDeploymentTests(MotoFixture moto)
{
    private readonly AwsClientFactory _clients = StackDeployment.ClientsFor(moto);

    [Fact]
    public async Task External_trigger_deploys_without_a_mapping_and_the_stream_carries_a_put_item()
    {
        var deployment = await StackDeployment.DeployAsync(_clients, "ext", "External", CancellationToken.None);

        await AssertCoreResourcesAsync(deployment);
        Assert.DoesNotContain(deployment.Resources, r => r.ResourceType == "AWS::Lambda::EventSourceMapping");

        // Without a mapping moto keeps the records for GetRecords; this is what an external processor reads.
        var streamArn = await PutOrderAsync(deployment, "order-ext-1");
        var record = Assert.Single(await ReadStreamAsync(streamArn));
        Assert.Equal("INSERT", record.EventName);
        Assert.Equal("order-ext-1", record.Dynamodb!.NewImage!.Value.GetProperty("orderId").GetProperty("S").GetString());

    }

    [Fact]
    public async Task Lambda_trigger_deploys_with_the_mapping()
    {
        var deployment = await StackDeployment.DeployAsync(_clients, "lam", "Lambda", CancellationToken.None);

        await AssertCoreResourcesAsync(deployment);
        Assert.Contains(deployment.Resources, r => r.LogicalResourceId == "LambdaEventSourceMapping" && r.ResourceType == "AWS::Lambda::EventSourceMapping");
        Assert.Contains(deployment.Resources, r => r.LogicalResourceId == "OrderProcessorLambda" && r.PhysicalResourceId == "order-processor-lam");
    }

    private async Task AssertCoreResourcesAsync(StackDeployment deployment)
    {
        Assert.True(deployment.Stack.StackStatus == "CREATE_COMPLETE", $"{deployment.Stack.StackStatus}: {deployment.Stack.StackStatusReason}");
        var suffix = deployment.EnvironmentSuffix;

        using var dynamo = _clients.CreateDynamoDB();
        var table = (await dynamo.DescribeTableAsync(new DescribeTableRequest { TableName = $"order-events-{suffix}" })).Table;
        Assert.Equal("status-timestamp-index", Assert.Single(table.GlobalSecondaryIndexes!).IndexName);
        Assert.True(table.StreamSpecification!.StreamEnabled);
        Assert.Equal("NEW_AND_OLD_IMAGES", table.StreamSpecification.StreamViewType?.Value);

        using var s3 = _clients.CreateS3();
        var bucket = $"order-audit-logs-{suffix}-{MotoServer.AccountId}-{MotoServer.Region}";
        var encryption = await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket });
        Assert.Equal("AES256", Assert.Single(encryption.ServerSideEncryptionConfiguration.ServerSideEncryptionRules).ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm.Value);
        // Versioning is in the template (see SeedPreservationTests) but moto 5.2.1's CloudFormation applies only a bucket's
        // name, encryption and tags, so it cannot be checked here.

        using var sns = _clients.CreateSns();
        var published = await sns.PublishAsync(new PublishRequest { TopicArn = $"arn:aws:sns:{MotoServer.Region}:{MotoServer.AccountId}:order-alerts-{suffix}", Message = "deployment check" });
        Assert.False(string.IsNullOrEmpty(published.MessageId));
        // The alarms' own path: a second topic with a second key.
        var operations = await sns.PublishAsync(new PublishRequest { TopicArn = $"arn:aws:sns:{MotoServer.Region}:{MotoServer.AccountId}:order-operations-{suffix}", Message = "deployment check" });
        Assert.False(string.IsNullOrEmpty(operations.MessageId));
        // The alerts, operations and processor-logs keys and the digest and repair signing keys (which moto creates
        // symmetric, so they cannot sign here: MotoDigestTests signs with an ECC key made through the KMS API).
        Assert.Equal(5, deployment.Resources.Count(r => r.ResourceType == "AWS::KMS::Key" && !string.IsNullOrEmpty(r.PhysicalResourceId)));

        // The access-logs bucket has a name CloudFormation makes; moto's CloudFormation ignores LoggingConfiguration (the
        // parsed-template tests check it), so the bucket and its encryption are what can be checked here.
        var logBucket = Assert.Single(deployment.Resources, r => r.LogicalResourceId == "AccessLogsBucket").PhysicalResourceId!;
        var logEncryption = await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = logBucket });
        Assert.Equal("AES256", Assert.Single(logEncryption.ServerSideEncryptionConfiguration.ServerSideEncryptionRules).ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm.Value);
        Assert.Contains(deployment.Resources, r => r.LogicalResourceId == "OrderProcessorManagedPolicy" && r.PhysicalResourceId!.StartsWith("arn:aws:iam::", StringComparison.Ordinal));

        using var sqs = _clients.CreateSqs();
        var queueUrl = (await sqs.GetQueueUrlAsync($"order-processor-failures-{suffix}")).QueueUrl;
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = ["All"] });
        Assert.Equal("1209600", attributes.Attributes["MessageRetentionPeriod"]);
        Assert.Equal("true", attributes.Attributes["SqsManagedSseEnabled"]);
    }

    private async Task<string> PutOrderAsync(StackDeployment deployment, string orderId)
    {
        using var dynamo = _clients.CreateDynamoDB();
        var tableName = $"order-events-{deployment.EnvironmentSuffix}";
        await dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = tableName,
            Item = new()
            {
                ["orderId"] = new AttributeValue { S = orderId },
                ["timestamp"] = new AttributeValue { N = "1793491200000" },
                ["status"] = new AttributeValue { S = "PLACED" },
            },
        });
        return (await dynamo.DescribeTableAsync(tableName)).Table.LatestStreamArn;
    }

    private async Task<List<Streams.StreamRecord>> ReadStreamAsync(string streamArn)
    {
        using var streams = _clients.CreateDynamoDBStreams();
        var description = await streams.DescribeStreamAsync(new Streams.DescribeStreamRequest { StreamArn = streamArn });
        var records = new List<Streams.StreamRecord>();
        foreach (var shard in description.StreamDescription.Shards)
        {
            var iterator = await streams.GetShardIteratorAsync(new Streams.GetShardIteratorRequest { StreamArn = streamArn, ShardId = shard.ShardId!, ShardIteratorType = "TRIM_HORIZON" });
            var page = await streams.GetRecordsAsync(new Streams.GetRecordsRequest { ShardIterator = iterator.ShardIterator! });
            records.AddRange(page.Records);
        }

        return records;
    }
}
