using System.Text.Json;
using System.Text.Json.Nodes;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Processor.Tests.Fakes;

/// <summary>Builds stream records the way DynamoDB Streams sends them (typed DynamoDB JSON).</summary>
internal static class Events
{
    private static long _sequence = 100_000_000_000_000_000;

    public static string NextSequence() => Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject Item(string orderId, string timestamp = "1700000000000", string? status = "PENDING")
    {
        var item = new JsonObject
        {
            ["orderId"] = new JsonObject { ["S"] = orderId },
            ["timestamp"] = new JsonObject { ["N"] = timestamp },
        };
        if (status is not null)
        {
            item["status"] = new JsonObject { ["S"] = status };
        }

        return item;
    }

    public static JsonObject Keys(string orderId, string timestamp = "1700000000000") => Item(orderId, timestamp, status: null);

    public static StreamRecord Insert(string orderId, string status = "PENDING", string? sequence = null) =>
        Record("INSERT", newImage: Item(orderId, status: status), sequence: sequence);

    public static StreamRecord Modify(string orderId, string? oldStatus, string newStatus, string? sequence = null) =>
        Record("MODIFY", newImage: Item(orderId, status: newStatus), oldImage: oldStatus is null ? null : Item(orderId, status: oldStatus), sequence: sequence);

    public static StreamRecord Record(
        string eventName,
        JsonObject? newImage = null,
        JsonObject? oldImage = null,
        JsonObject? keys = null,
        string? sequence = null,
        string viewType = "NEW_AND_OLD_IMAGES",
        JsonObject? userIdentity = null,
        string? eventId = null)
    {
        var image = newImage ?? oldImage;
        var dynamodb = new JsonObject
        {
            ["ApproximateCreationDateTime"] = 1700000000.5,
            ["Keys"] = keys ?? (image is null ? null : KeysOf(image)),
            ["SequenceNumber"] = sequence ?? NextSequence(),
            ["SizeBytes"] = 120,
            ["StreamViewType"] = viewType,
        };
        if (newImage is not null)
        {
            dynamodb["NewImage"] = newImage.DeepClone();
        }

        if (oldImage is not null)
        {
            dynamodb["OldImage"] = oldImage.DeepClone();
        }

        var record = new JsonObject
        {
            ["eventID"] = eventId ?? Guid.NewGuid().ToString("N"),
            ["eventName"] = eventName,
            ["eventVersion"] = "1.1",
            ["eventSource"] = "aws:dynamodb",
            ["awsRegion"] = "us-east-1",
            ["eventSourceARN"] = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
            ["dynamodb"] = dynamodb,
        };
        if (userIdentity is not null)
        {
            record["userIdentity"] = userIdentity;
        }

        return Parse(record.ToJsonString());
    }

    public static StreamRecord Parse(string json) =>
        JsonSerializer.Deserialize<StreamRecord>(json, new JsonSerializerOptions { MaxDepth = StreamRecord.MaxJsonDepth })!;

    public static string EventJson(IEnumerable<StreamRecord> records) =>
        JsonSerializer.Serialize(new { Records = records }, new JsonSerializerOptions { MaxDepth = StreamRecord.MaxJsonDepth });

    private static JsonObject? KeysOf(JsonObject image)
    {
        var keys = new JsonObject();
        foreach (var name in new[] { "orderId", "timestamp" })
        {
            if (image[name] is { } value)
            {
                keys[name] = value.DeepClone();
            }
        }

        return keys;
    }
}
