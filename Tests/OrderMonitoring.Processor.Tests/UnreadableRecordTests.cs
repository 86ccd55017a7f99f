using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Lambda;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>
/// A record of the event that cannot be read as a stream record (a wrongly typed envelope field, not an object at all)
/// is quarantined on its own; the rest of the batch is audited as usual and the invocation succeeds.
/// </summary>
public sealed class UnreadableRecordTests
{
    private static readonly JsonSerializerOptions Options = new() { MaxDepth = StreamRecord.MaxJsonDepth };

    private static async Task<JsonElement> InvokeAsync(Harness harness, string eventJson)
    {
        var function = harness.Processor.Function();
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(eventJson));
        using var output = await function.HandleAsync(input);
        return (await JsonDocument.ParseAsync(output)).RootElement;
    }

    private static string RecordJson(StreamRecord record) => JsonSerializer.Serialize(record, Options);

    private static string EventOf(params string[] recordJson) => "{\"Records\":[" + string.Join(",", recordJson) + "]}";

    /// <summary>A good record's JSON with one envelope member replaced (the member must occur exactly once).</summary>
    private static string Mutated(StreamRecord record, string from, string to)
    {
        var json = RecordJson(record);
        Assert.Equal(1, CountOf(json, from));
        return json.Replace(from, to, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    public static TheoryData<string, string, string, string> WronglyTypedMembers => new()
    {
        // name, replaced text, replacement, what the reason must name
        { "SizeBytes as a string", "\"SizeBytes\":120", "\"SizeBytes\":\"60\"", "SizeBytes" },
        { "SizeBytes beyond a long", "\"SizeBytes\":120", "\"SizeBytes\":1e30", "SizeBytes" },
        { "SequenceNumber as a number", "\"SequenceNumber\":\"", "\"SequenceNumber\":123,\"Was\":\"", "SequenceNumber" },
        { "userIdentity as a string", "\"userIdentity\":null", "\"userIdentity\":\"x\"", "userIdentity" },
        { "dynamodb as an array", "\"dynamodb\":{", "\"dynamodb\":[],\"Was\":{", "dynamodb" },
        { "eventName as a number", "\"eventName\":\"INSERT\"", "\"eventName\":5", "eventName" },
        { "eventID as an object", "\"eventID\":\"", "\"eventID\":{},\"Was\":\"", "eventID" },
        { "StreamViewType as true", "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"", "\"StreamViewType\":true", "StreamViewType" },
    };

    [Theory]
    [MemberData(nameof(WronglyTypedMembers))]
    public async Task A_wrongly_typed_member_quarantines_that_record_and_the_batch_is_audited(string name, string from, string to, string named)
    {
        var harness = new Harness();
        var bad = Mutated(Events.Insert("ORD-BAD"), from, to);

        var response = await InvokeAsync(harness, EventOf(RecordJson(Events.Insert("ORD-A")), bad, RecordJson(Events.Insert("ORD-B"))));

        Assert.True(response.GetProperty("batchItemFailures").GetArrayLength() == 0, name);
        Assert.Single(harness.Store.Objects.Keys, key => key.StartsWith("orders/ORD-A/", StringComparison.Ordinal));
        Assert.Single(harness.Store.Objects.Keys, key => key.StartsWith("orders/ORD-B/", StringComparison.Ordinal));
        var quarantined = harness.Single("quarantine/");
        Assert.Contains(named, quarantined.GetProperty("reason").GetString(), StringComparison.Ordinal);
        // Kept exactly as received, the offending member included.
        Assert.Equal(bad, quarantined.GetProperty("record").GetRawText());
    }

    [Theory]
    [InlineData("\"just a string\"", "string")]
    [InlineData("42", "number")]
    [InlineData("[1,2]", "array")]
    [InlineData("null", "null")]
    public async Task A_record_that_is_not_an_object_is_quarantined_whole(string recordJson, string kind)
    {
        var harness = new Harness();

        var response = await InvokeAsync(harness, EventOf(RecordJson(Events.Insert("ORD-A")), recordJson));

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Single(harness.Store.Objects.Keys, key => key.StartsWith("orders/ORD-A/", StringComparison.Ordinal));
        var quarantined = harness.Single("quarantine/unsequenced/");
        Assert.Contains($"JSON {kind}", quarantined.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(recordJson, quarantined.GetProperty("record").GetRawText());
    }

    [Fact]
    public async Task An_unreadable_record_keeps_its_sequence_number_key_and_still_alerts_when_it_says_FAILED()
    {
        var harness = new Harness();
        var record = Events.Insert("ORD-FAILED-BAD", status: "FAILED");
        var bad = Mutated(record, "\"SizeBytes\":120", "\"SizeBytes\":\"60\"");

        var response = await InvokeAsync(harness, EventOf(bad));

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        var quarantined = harness.Single("quarantine/");
        Assert.Equal(record.Dynamodb!.SequenceNumber, quarantined.GetProperty("sequenceNumber").GetString());
        Assert.Equal("ORD-FAILED-BAD", quarantined.GetProperty("orderId").GetString());
        Assert.Equal(record.EventId, quarantined.GetProperty("eventId").GetString());
        var alert = Assert.Single(harness.Publisher.Published);
        Assert.Equal("true", alert.Attributes["malformed"]);
        Assert.Equal("ORD-FAILED-BAD", alert.Attributes["orderId"]);
    }

    [Fact]
    public async Task An_unreadable_record_whose_quarantine_write_fails_is_reported_by_its_sequence_number()
    {
        var harness = new Harness();
        var record = Events.Insert("ORD-BAD");
        harness.Store.FailWhen = key => key.StartsWith("quarantine/", StringComparison.Ordinal);

        var response = await InvokeAsync(harness, EventOf(Mutated(record, "\"eventName\":\"INSERT\"", "\"eventName\":5"), RecordJson(Events.Insert("ORD-OK"))));

        var failure = Assert.Single(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal(record.Dynamodb!.SequenceNumber, failure.GetProperty("itemIdentifier").GetString());
        Assert.Single(harness.Store.Objects.Keys, key => key.StartsWith("orders/ORD-OK/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_record_of_another_source_among_stream_records_is_quarantined_not_the_invocation_failed()
    {
        var harness = new Harness();
        var foreign = Mutated(Events.Insert("ORD-FOREIGN"), "\"eventSource\":\"aws:dynamodb\"", "\"eventSource\":\"aws:kinesis\"");
        var unnamed = Mutated(Events.Insert("ORD-UNNAMED"), "\"eventSource\":\"aws:dynamodb\",", "");

        var response = await InvokeAsync(harness, EventOf(foreign, RecordJson(Events.Insert("ORD-A")), unnamed));

        Assert.Equal(0, response.GetProperty("batchItemFailures").GetArrayLength());
        Assert.Single(harness.Store.Objects.Keys, key => key.StartsWith("orders/", StringComparison.Ordinal));
        var reasons = harness.Store.Objects.Where(entry => entry.Key.StartsWith("quarantine/", StringComparison.Ordinal))
            .Select(entry => JsonNode.Parse(entry.Value)!["reason"]!.GetValue<string>()).ToList();
        Assert.Equal(2, reasons.Count);
        Assert.Contains(reasons, reason => reason.Contains("'aws:kinesis'", StringComparison.Ordinal));
        Assert.Contains(reasons, reason => reason.Contains("no eventSource", StringComparison.Ordinal));
    }

    [Fact]
    public void The_event_reader_used_by_the_module_returns_unreadable_records_marked_in_place()
    {
        var bad = Mutated(Events.Insert("ORD-BAD"), "\"SizeBytes\":120", "\"SizeBytes\":\"60\"");

        var records = StreamEvent.ParseRecords(EventOf(RecordJson(Events.Insert("ORD-A")), bad, "\"x\""));

        Assert.Equal(3, records.Count);
        Assert.Null(records[0].Defect);
        Assert.Equal(bad, records[1].Defect!.ReceivedJson);
        Assert.NotNull(records[1].Dynamodb?.SequenceNumber);
        Assert.Equal("\"x\"", records[2].Defect!.ReceivedJson);
    }
}
