using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;

namespace OrderMonitoring.Benchmarks;

/// <summary>What the fake-endpoint suites (orders, reconciliation, verification) share: SDK clients pointed at the endpoint, and the order item they store.</summary>
internal static class BenchClients
{
    private static readonly BasicAWSCredentials Credentials = new("test", "test");

    public static AmazonS3Client S3(FakeAwsEndpoint endpoint) =>
        new(Credentials, new AmazonS3Config { ServiceURL = endpoint.Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    public static AmazonDynamoDBClient DynamoDb(FakeAwsEndpoint endpoint) =>
        new(Credentials, new AmazonDynamoDBConfig { ServiceURL = endpoint.Url, AuthenticationRegion = "us-east-1" });

    /// <summary>A PENDING order item in DynamoDB's typed JSON; <paramref name="withLineItems"/> adds a one-line list (nesting for the comparison).</summary>
    public static string OrderItem(string orderId, string timestamp, bool withLineItems)
    {
        var item = new JsonObject
        {
            ["orderId"] = new JsonObject { ["S"] = orderId },
            ["timestamp"] = new JsonObject { ["N"] = timestamp },
            ["status"] = new JsonObject { ["S"] = "PENDING" },
            ["amount"] = new JsonObject { ["N"] = "123.45" },
        };
        if (withLineItems)
        {
            item["items"] = new JsonObject { ["L"] = new JsonArray(new JsonObject { ["M"] = new JsonObject { ["sku"] = new JsonObject { ["S"] = "SKU-1" } } }) };
        }

        return item.ToJsonString();
    }
}
