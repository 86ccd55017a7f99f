using System.Text.Json;
using System.Text.Json.Nodes;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>What one stream record becomes in S3: the audit record's fields, for every event and view type.</summary>
public sealed class StreamRecordAuditTests
{
    [Fact]
    public async Task Insert_becomes_an_audit_record_with_every_field()
    {
        var harness = new Harness();
        var record = Events.Record("INSERT", newImage: Events.Item("ORD-1", "1700000000123", "PENDING"), sequence: "400000000000000000001", eventId: "evt-1");
        var result = await harness.RunAsync(record);

        Assert.Equal(1, result.Audited);
        var audit = harness.Single("orders/ORD-1/");
        Assert.Equal(1, audit.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("ORD-1", audit.GetProperty("orderId").GetString());
        Assert.Equal("1700000000123", audit.GetProperty("timestamp").GetRawText());
        Assert.Equal("PENDING", audit.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, audit.GetProperty("previousStatus").ValueKind);
        Assert.Equal("INSERT", audit.GetProperty("eventType").GetString());
        Assert.Equal("evt-1", audit.GetProperty("eventId").GetString());
        Assert.Equal("400000000000000000001", audit.GetProperty("sequenceNumber").GetString());
        Assert.Equal("2023-11-14T22:13:20.500Z", audit.GetProperty("approximateCreationTime").GetString());
        Assert.Equal("2026-03-01T12:00:00.000Z", audit.GetProperty("processedAt").GetString());
        Assert.Equal("test", audit.GetProperty("environment").GetString());
        Assert.Equal(JsonValueKind.Null, audit.GetProperty("deletedBy").ValueKind);
        Assert.Equal("ORD-1", audit.GetProperty("newImage").GetProperty("orderId").GetString());
        Assert.Equal(JsonValueKind.Null, audit.GetProperty("oldImage").ValueKind);
    }

    [Theory]
    [InlineData("1e15")]
    [InlineData("9007199254740993")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("-1700000000000")]
    public async Task Integer_timestamps_keep_every_digit(string timestamp)
    {
        var harness = new Harness();
        await harness.RunAsync(Events.Record("INSERT", newImage: Events.Item("ORD-T", timestamp)));
        var audit = harness.Single("orders/ORD-T/");
        Assert.Equal(timestamp, audit.GetProperty("timestamp").GetRawText());
        Assert.Equal(timestamp, audit.GetProperty("newImage").GetProperty("timestamp").GetRawText());
    }

    [Theory]
    [InlineData("1.5", "not an integer")]
    [InlineData("abc", "not an integer")]
    public async Task Non_integer_timestamps_are_quarantined_not_failed(string timestamp, string reason)
    {
        var harness = new Harness();
        var result = await harness.RunAsync(Events.Record("INSERT", newImage: Events.Item("ORD-Q", timestamp)));
        Assert.Equal((0, 1, 0), (result.Audited, result.Quarantined, result.Failed));
        Assert.Empty(result.BatchItemFailures);
        var quarantined = harness.Single("quarantine/");
        Assert.Contains(reason, quarantined.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("ORD-Q", quarantined.GetProperty("orderId").GetString());
        Assert.Equal(timestamp, quarantined.GetProperty("record").GetProperty("dynamodb").GetProperty("NewImage").GetProperty("timestamp").GetProperty("N").GetString());
        Assert.Contains(harness.Lines, line => line.Contains("\"WARN\"", StringComparison.Ordinal) && line.Contains("quarantined", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> MalformedImages => new()
    {
        { """{"timestamp":{"N":"1"}}""", "no orderId" },
        { """{"orderId":{"S":"ORD-M"}}""", "no timestamp" },
        { """{"orderId":{"N":"5"},"timestamp":{"N":"1"}}""", "orderId" },
        { """{"orderId":{"S":"ORD-M"},"timestamp":{"S":"1"}}""", "timestamp" },
        { """{"orderId":{"S":""},"timestamp":{"N":"1"}}""", "no orderId" },
        { """{"orderId":{"S":"ORD-M"},"timestamp":{"N":"1"},"status":{"N":"3"}}""", "status" },
        { """{"orderId":{"S":"ORD-M"},"timestamp":{"N":"1"},"other":{"Q":"3"}}""", "other" },
    };

    [Theory]
    [MemberData(nameof(MalformedImages))]
    public async Task Records_that_cannot_be_audited_are_quarantined_whole_with_the_reason(string image, string reason)
    {
        var harness = new Harness();
        var record = Events.Record("INSERT", newImage: JsonNode.Parse(image)!.AsObject(), keys: new JsonObject());
        var result = await harness.RunAsync(record);
        Assert.Equal(1, result.Quarantined);
        Assert.Empty(result.BatchItemFailures);
        var quarantined = harness.Single("quarantine/");
        Assert.Contains(reason, quarantined.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(record.Dynamodb!.SequenceNumber, quarantined.GetProperty("record").GetProperty("dynamodb").GetProperty("SequenceNumber").GetString());
    }

    [Fact]
    public async Task Remove_uses_the_old_image_and_tells_a_user_delete_from_a_ttl_delete()
    {
        var harness = new Harness();
        var byUser = Events.Record("REMOVE", oldImage: Events.Item("ORD-U", status: "SHIPPED"));
        var byTtl = Events.Record("REMOVE", oldImage: Events.Item("ORD-TTL", status: "FAILED"),
            userIdentity: new JsonObject { ["type"] = "Service", ["principalId"] = "dynamodb.amazonaws.com" });
        var result = await harness.RunAsync(byUser, byTtl);

        Assert.Equal(2, result.Audited);
        Assert.Equal(0, result.Alerts);
        var user = harness.Single("orders/ORD-U/");
        Assert.Equal("user", user.GetProperty("deletedBy").GetString());
        Assert.Equal("SHIPPED", user.GetProperty("status").GetString());
        Assert.Equal("SHIPPED", user.GetProperty("previousStatus").GetString());
        Assert.Equal("REMOVE", user.GetProperty("eventType").GetString());
        Assert.Equal(JsonValueKind.Null, user.GetProperty("newImage").ValueKind);
        Assert.Equal("ttl", harness.Single("orders/ORD-TTL/").GetProperty("deletedBy").GetString());
    }

    [Theory]
    [InlineData("KEYS_ONLY", "INSERT")]
    [InlineData("KEYS_ONLY", "MODIFY")]
    [InlineData("KEYS_ONLY", "REMOVE")]
    [InlineData("NEW_IMAGE", "MODIFY")]
    [InlineData("NEW_IMAGE", "REMOVE")]
    [InlineData("OLD_IMAGE", "INSERT")]
    [InlineData("OLD_IMAGE", "MODIFY")]
    [InlineData("NEW_AND_OLD_IMAGES", "MODIFY")]
    public async Task Every_stream_view_type_is_audited_using_the_keys_when_images_are_missing(string viewType, string eventName)
    {
        var harness = new Harness();
        var withNew = viewType is "NEW_IMAGE" or "NEW_AND_OLD_IMAGES" && eventName != "REMOVE";
        var withOld = viewType is "OLD_IMAGE" or "NEW_AND_OLD_IMAGES" && eventName != "INSERT";
        var record = Events.Record(eventName,
            newImage: withNew ? Events.Item("ORD-V", status: "FAILED") : null,
            oldImage: withOld ? Events.Item("ORD-V", status: "PENDING") : null,
            keys: Events.Keys("ORD-V"),
            viewType: viewType);

        var result = await harness.RunAsync(record);

        Assert.Equal(1, result.Audited);
        var audit = harness.Single("orders/ORD-V/");
        Assert.Equal("1700000000000", audit.GetProperty("timestamp").GetRawText());
        Assert.Equal(withNew ? "FAILED" : (eventName == "REMOVE" && withOld ? "PENDING" : "UNKNOWN"), audit.GetProperty("status").GetString());
        Assert.Equal(withNew ? 1 : 0, result.Alerts);
    }

    [Fact]
    public async Task Hostile_order_ids_are_audited_under_one_safe_segment()
    {
        var harness = new Harness();
        var ids = new[] { "a/b", "../../x", "with space", "ctl\u0001\n", "注文😀", new string('z', 1000) };
        var result = await harness.RunAsync([.. ids.Select(id => Events.Insert(id))]);
        Assert.Equal(ids.Length, result.Audited);
        foreach (var id in ids)
        {
            var audit = harness.Single(Audit.AuditKey.OrderPrefix(id));
            Assert.Equal(id, audit.GetProperty("orderId").GetString());
        }
    }
}
