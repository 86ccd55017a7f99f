using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>Stream events a real DynamoDB stream or a careless user can produce, beyond the happy shapes.</summary>
public sealed class HostileEventTests
{
    private static async Task<JsonElement> InvokeAsync(Harness harness, string eventJson)
    {
        var function = harness.Processor.Function();
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(eventJson));
        using var output = await function.HandleAsync(input);
        return (await JsonDocument.ParseAsync(output)).RootElement;
    }

    /// <summary>An item whose <c>nested</c> attribute is a map nested <paramref name="depth"/> levels (DynamoDB allows 32).</summary>
    private static JsonObject DeeplyNestedItem(string orderId, int depth)
    {
        var item = Events.Item(orderId);
        JsonNode value = new JsonObject { ["S"] = "bottom" };
        for (var level = 0; level < depth; level++)
        {
            value = new JsonObject { ["M"] = new JsonObject { ["next"] = value } };
        }

        item["nested"] = value;
        return item;
    }

    [Fact]
    public async Task An_item_nested_as_deep_as_DynamoDB_allows_is_audited_from_a_Lambda_event()
    {
        var harness = new Harness();
        var record = Events.Record("INSERT", newImage: DeeplyNestedItem("ORD-DEEP", depth: 32));

        var response = await InvokeAsync(harness, Events.EventJson([record]));

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var audit = harness.Single("orders/ORD-DEEP/");
        var value = audit.GetProperty("newImage").GetProperty("nested");
        for (var level = 0; level < 32; level++)
        {
            value = value.GetProperty("next");
        }

        Assert.Equal("bottom", value.GetString());
    }

    [Fact]
    public async Task A_deeply_nested_record_that_cannot_be_audited_is_quarantined_whole()
    {
        var harness = new Harness();
        var item = DeeplyNestedItem("ORD-DEEP-Q", depth: 32);
        item["timestamp"] = new JsonObject { ["N"] = "1.5" };
        var record = Events.Record("INSERT", newImage: item);

        var response = await InvokeAsync(harness, Events.EventJson([record]));

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var kept = harness.Single("quarantine/").GetProperty("record").GetProperty("dynamodb").GetProperty("NewImage").GetProperty("nested");
        for (var level = 0; level < 32; level++)
        {
            kept = kept.GetProperty("M").GetProperty("next");
        }

        Assert.Equal("bottom", kept.GetProperty("S").GetString());
    }

    [Theory]
    [InlineData("orderId")]
    [InlineData("status")]
    [InlineData("note")]
    public async Task A_lone_surrogate_in_a_string_attribute_is_quarantined_not_a_crash(string attribute)
    {
        var harness = new Harness();
        var good = Events.Insert("ORD-GOOD");
        var item = Events.Item("ORD-SURROGATE");
        item[attribute] = new JsonObject { ["S"] = "PLACEHOLDER" };
        var bad = Events.Record("INSERT", newImage: item);
        var eventJson = Events.EventJson([good, bad]).Replace("PLACEHOLDER", "x\\uD800y", StringComparison.Ordinal);

        var response = await InvokeAsync(harness, eventJson);

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Single(harness.Store.Objects.Keys, key => key.StartsWith("orders/ORD-GOOD/", StringComparison.Ordinal));
        var quarantined = harness.Single("quarantine/");
        Assert.Equal(bad.Dynamodb!.SequenceNumber, quarantined.GetProperty("sequenceNumber").GetString());
    }

    [Fact]
    public async Task A_quarantined_record_keeps_members_the_record_type_does_not_know()
    {
        var harness = new Harness();
        var eventJson = """
            {"Records":[{"eventID":"e-1","eventName":"INSERT","eventSource":"aws:dynamodb","tableName":"orders",
              "Dynamodb":{"SequenceNumber":"700000000000000000001","NewImage":{"orderId":{"S":"ORD-MISSPELT"},"timestamp":{"N":"1"}}},
              "userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com","note":"kept"}}]}
            """;

        var response = await InvokeAsync(harness, eventJson);

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var kept = harness.Single("quarantine/").GetProperty("record");
        Assert.Equal("orders", kept.GetProperty("tableName").GetString());
        Assert.Equal("ORD-MISSPELT", kept.GetProperty("Dynamodb").GetProperty("NewImage").GetProperty("orderId").GetProperty("S").GetString());
        Assert.Equal("kept", kept.GetProperty("userIdentity").GetProperty("note").GetString());
    }

    [Theory]
    [InlineData("\"not an image\"")]
    [InlineData("[]")]
    [InlineData("42")]
    public async Task An_image_that_is_not_an_object_is_quarantined_not_audited_as_missing(string image)
    {
        var harness = new Harness();
        var record = Events.Insert("ORD-BAD-IMAGE");
        var eventJson = Events.EventJson([record]).Replace("\"NewImage\":{", "\"NewImage\":" + image + ",\"Ignored\":{", StringComparison.Ordinal);

        var response = await InvokeAsync(harness, eventJson);

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        Assert.DoesNotContain(harness.Store.Objects.Keys, key => key.StartsWith("orders/", StringComparison.Ordinal));
        Assert.Contains("NewImage", harness.Single("quarantine/").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_with_a_byte_order_mark_is_read()
    {
        var harness = new Harness();
        var function = harness.Processor.Function();
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Events.EventJson([Events.Insert("ORD-BOM")]))).ToArray();

        using var output = await function.HandleAsync(new MemoryStream(bytes));

        Assert.Single(harness.Store.Objects.Keys, key => key.StartsWith("orders/ORD-BOM/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"Records":null}""")]
    [InlineData("""{"Records":[]} trailing""")]
    [InlineData("""{"Records":[null]}""")]
    public async Task Null_records_or_trailing_garbage_fail_the_invocation_clearly(string eventJson)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => InvokeAsync(new Harness(), eventJson));
        Assert.Contains("not a DynamoDB stream event", error.Message, StringComparison.Ordinal);
    }
}
