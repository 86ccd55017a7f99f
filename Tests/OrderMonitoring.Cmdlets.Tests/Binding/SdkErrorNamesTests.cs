using Amazon;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3.Model;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Cmdlets.Tests.Binding;

/// <summary>An error from one of the SDK's clients names the operation and the resource, as our own clients' errors do.</summary>
[Collection(MotoCollection.Name)]
public sealed class SdkErrorNamesTests(MotoFixture moto) : IAsyncLifetime
{
    private readonly AwsClientFactory _clients = new(new AwsConnection(RegionEndpoint.USEast1, moto.Credentials, moto.Endpoint));

    public Task InitializeAsync() => moto.Server.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_S3_error_names_the_operation_and_the_object()
    {
        using var s3 = _clients.CreateS3();

        var error = await Assert.ThrowsAnyAsync<AmazonServiceException>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = "no-such-bucket", Key = "orders/ORD-1/1.json" }));
        var record = ErrorRecordFactory.Create(error, "order-monitoring-dev");

        Assert.StartsWith("S3 GetObject on s3://no-such-bucket/orders/ORD-1/1.json failed: NoSuchBucket: ", record.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Equal("AwsService.NoSuchBucket", record.FullyQualifiedErrorId);
    }

    [Fact]
    public async Task A_DynamoDB_error_names_the_operation_and_the_table()
    {
        using var dynamoDb = _clients.CreateDynamoDB();

        var error = await Assert.ThrowsAnyAsync<AmazonServiceException>(() => dynamoDb.QueryAsync(new QueryRequest
        {
            TableName = "order-events-missing",
            KeyConditionExpression = "orderId = :id",
            ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = "ORD-1" } },
        }));
        var record = ErrorRecordFactory.Create(error, null);

        Assert.StartsWith("DynamoDB Query on order-events-missing failed: ResourceNotFoundException: ", record.ErrorDetails.Message, StringComparison.Ordinal);
    }
}
