using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.TestSupport;
using GetRecordsRequest = OrderMonitoring.Aws.Streams.GetRecordsRequest;
using GetShardIteratorRequest = OrderMonitoring.Aws.Streams.GetShardIteratorRequest;
using ListStreamsRequest = OrderMonitoring.Aws.Streams.ListStreamsRequest;
using ShardIteratorType = OrderMonitoring.Aws.Streams.ShardIteratorType;
using StreamViewType = Amazon.DynamoDBv2.StreamViewType;
using KeySchemaElement = Amazon.DynamoDBv2.Model.KeySchemaElement;

namespace OrderMonitoring.Aws.Tests;

/// <summary>Our DynamoDB Streams client against moto: a table's changes come back as StreamRecords, in order, with images.</summary>
[Collection(MotoCollection.Name)]
public sealed class StreamsClientTests(MotoFixture moto)
{
    [Fact]
    public async Task Insert_modify_remove_come_back_as_stream_records_with_exact_numbers()
    {
        var factory = MotoConnection.Factory(moto);
        using var dynamo = factory.CreateDynamoDB();
        using var streams = factory.CreateDynamoDBStreams();
        var table = "orders-" + Guid.NewGuid().ToString("N").Substring(0, 10);
        await CreateTableWithStreamAsync(dynamo, table);
        await dynamo.PutItemAsync(table, Item("o-1", "12345678901234567890.123456789"));
        await dynamo.PutItemAsync(table, Item("o-1", "2"));
        await dynamo.DeleteItemAsync(table, new Dictionary<string, AttributeValue> { ["orderId"] = new() { S = "o-1" } });

        var listed = await streams.ListStreamsAsync(new ListStreamsRequest { TableName = table });
        var streamArn = Assert.Single(listed.Streams).StreamArn!;
        var description = await streams.DescribeStreamAllShardsAsync(streamArn);
        var shard = Assert.Single(description.Shards);
        var iterator = await streams.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamArn = streamArn,
            ShardId = shard.ShardId!,
            ShardIteratorType = ShardIteratorType.TRIM_HORIZON,
        });
        var records = await streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator.ShardIterator!, Limit = 100 });

        Assert.Equal((table, "NEW_AND_OLD_IMAGES", "ENABLED"), (description.TableName, description.StreamViewType, description.StreamStatus));
        Assert.Equal("orderId", Assert.Single(description.KeySchema).AttributeName);
        Assert.Equal(["INSERT", "MODIFY", "REMOVE"], records.Records.Select(r => r.EventName));
        Assert.All(records.Records, r => Assert.Equal("aws:dynamodb", r.EventSource));
        var insert = records.Records[0].Dynamodb!;
        Assert.Equal("12345678901234567890.123456789", insert.NewImage!.Value.GetProperty("total").GetProperty("N").GetString());
        Assert.Equal("o-1", insert.Keys!.Value.GetProperty("orderId").GetProperty("S").GetString());
        Assert.Equal("2", records.Records[1].Dynamodb!.NewImage!.Value.GetProperty("total").GetProperty("N").GetString());
        Assert.Null(records.Records[2].Dynamodb!.NewImage);
        Assert.NotNull(records.Records[2].Dynamodb!.OldImage);
        var sequence = records.Records.Select(r => decimal.Parse(r.Dynamodb!.SequenceNumber!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sequence.OrderBy(s => s), sequence);
        Assert.False(string.IsNullOrEmpty(records.NextShardIterator));
    }

    [Fact]
    public async Task An_item_nested_as_deep_as_DynamoDB_allows_comes_back_from_GetRecords()
    {
        var factory = MotoConnection.Factory(moto);
        using var dynamo = factory.CreateDynamoDB();
        using var streams = factory.CreateDynamoDBStreams();
        var table = "orders-" + Guid.NewGuid().ToString("N").Substring(0, 10);
        await CreateTableWithStreamAsync(dynamo, table);
        var nested = new AttributeValue { S = "bottom" };
        for (var level = 0; level < 31; level++)
        {
            nested = new AttributeValue { M = new Dictionary<string, AttributeValue> { ["next"] = nested } };
        }

        await dynamo.PutItemAsync(table, new Dictionary<string, AttributeValue> { ["orderId"] = new() { S = "o-deep" }, ["nested"] = nested });

        var streamArn = Assert.Single((await streams.ListStreamsAsync(new ListStreamsRequest { TableName = table })).Streams).StreamArn!;
        var shard = Assert.Single((await streams.DescribeStreamAllShardsAsync(streamArn)).Shards);
        var iterator = await streams.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamArn = streamArn,
            ShardId = shard.ShardId!,
            ShardIteratorType = ShardIteratorType.TRIM_HORIZON,
        });
        var records = await streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator.ShardIterator!, Limit = 100 });

        var value = Assert.Single(records.Records).Dynamodb!.NewImage!.Value.GetProperty("nested");
        for (var level = 0; level < 31; level++)
        {
            value = value.GetProperty("M").GetProperty("next");
        }

        Assert.Equal("bottom", value.GetProperty("S").GetString());
    }

    [Fact]
    public async Task Unknown_stream_fails_with_ResourceNotFoundException()
    {
        using var streams = MotoConnection.Factory(moto).CreateDynamoDBStreams();
        var missing = $"arn:aws:dynamodb:{moto.Region}:{MotoServer.AccountId}:table/none/stream/2024-01-01T00:00:00.000";

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => streams.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = missing }));

        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal(("DynamoDB Streams", "DescribeStream", 1), (error.ServiceName, error.Operation, error.Attempts));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
    }

    private static Dictionary<string, AttributeValue> Item(string orderId, string total) => new()
    {
        ["orderId"] = new AttributeValue { S = orderId },
        ["total"] = new AttributeValue { N = total },
    };

    private static Task CreateTableWithStreamAsync(IAmazonDynamoDB dynamo, string table) => dynamo.CreateTableAsync(new CreateTableRequest
    {
        TableName = table,
        AttributeDefinitions = [new AttributeDefinition("orderId", ScalarAttributeType.S)],
        KeySchema = [new KeySchemaElement("orderId", KeyType.HASH)],
        BillingMode = BillingMode.PAY_PER_REQUEST,
        StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES },
    });
}
