using System.Text.Json;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Aws.Tests;

/// <summary>One record read from JSON on its own: never throws, and says what is wrong with a record it cannot use.</summary>
public sealed class StreamRecordJsonTests
{
    private const string GoodRecord = """
        {"eventID":"e-1","eventName":"MODIFY","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
         "dynamodb":{"ApproximateCreationDateTime":1700000000.5,"Keys":{"orderId":{"S":"o-1"}},
           "NewImage":{"orderId":{"S":"o-1"},"amount":{"N":"12345678901234567890.123456789"}},
           "OldImage":{"orderId":{"S":"o-1"}},"SequenceNumber":"42","SizeBytes":60,"StreamViewType":"NEW_AND_OLD_IMAGES"},
         "userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"}}
        """;

    private static StreamRecord ReadAndDispose(string json)
    {
        // The document is gone before the record is used: nothing in the record may still point into it.
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = StreamRecord.MaxJsonDepth });
        return StreamRecordJson.Read(document.RootElement);
    }

    [Fact]
    public void A_good_record_is_read_whole_with_no_defect_and_outlives_its_document()
    {
        var record = ReadAndDispose(GoodRecord);

        Assert.Null(record.Defect);
        Assert.Equal(("e-1", "MODIFY", "42", 60L), (record.EventId, record.EventName, record.Dynamodb!.SequenceNumber, record.Dynamodb.SizeBytes));
        Assert.Equal("12345678901234567890.123456789", record.Dynamodb.NewImage!.Value.GetProperty("amount").GetProperty("N").GetString());
    }

    [Theory]
    [InlineData("\"SizeBytes\":60", "\"SizeBytes\":\"60\"", "$.dynamodb.SizeBytes")]
    [InlineData("\"ApproximateCreationDateTime\":1700000000.5,", "\"ApproximateCreationDateTime\":1700000000.5,\"SequenceNumber\":7,", "$.dynamodb.SequenceNumber")]
    [InlineData("\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"}", "\"userIdentity\":\"x\"", "$.userIdentity")]
    [InlineData("\"awsRegion\":\"us-east-1\"", "\"awsRegion\":[\"us-east-1\"]", "$.awsRegion")]
    public void A_wrongly_typed_member_gives_a_defect_naming_it_and_the_readable_members_are_kept(string from, string to, string path)
    {
        var json = GoodRecord.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(GoodRecord, json);

        var record = ReadAndDispose(json);

        Assert.NotNull(record.Defect);
        Assert.Contains(path, record.Defect!.Reason, StringComparison.Ordinal);
        Assert.Equal(json, record.Defect.ReceivedJson);
        // What the processor needs for its quarantine key, order id and alert decision is still there.
        Assert.Equal(("e-1", "MODIFY", "aws:dynamodb"), (record.EventId, record.EventName, record.EventSource));
        Assert.Equal("o-1", record.Dynamodb!.NewImage!.Value.GetProperty("orderId").GetProperty("S").GetString());
        Assert.Equal("o-1", record.Dynamodb.OldImage!.Value.GetProperty("orderId").GetProperty("S").GetString());
    }

    [Fact]
    public void A_string_that_is_not_valid_unicode_gives_a_defect_not_an_exception()
    {
        var json = GoodRecord.Replace("\"eventID\":\"e-1\"", "\"eventID\":\"e\\uD800\"", StringComparison.Ordinal);

        var record = ReadAndDispose(json);

        Assert.NotNull(record.Defect);
        Assert.Null(record.EventId);
        Assert.Equal("42", record.Dynamodb!.SequenceNumber);
    }

    [Theory]
    [InlineData("\"a string\"", "JSON string")]
    [InlineData("null", "JSON null")]
    [InlineData("[{\"eventID\":\"e-1\"}]", "JSON array")]
    [InlineData("12", "JSON number")]
    public void A_record_that_is_not_an_object_gives_a_defect_and_nothing_else(string json, string kind)
    {
        var record = ReadAndDispose(json);

        Assert.Contains(kind, record.Defect!.Reason, StringComparison.Ordinal);
        Assert.Equal(json, record.Defect.ReceivedJson);
        Assert.Equal((null, null, null), (record.EventId, record.EventSource, record.Dynamodb));
    }
}
