using System.Text.Json;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Tests;

/// <summary>
/// <see cref="AuditDocument"/> owns the document: stored objects keep their exact text, and every field written is read
/// back (so a field renamed or added on one side only fails here).
/// </summary>
public sealed class AuditDocumentTests
{
    // The text the processor wrote before AuditDocument existed; stored objects and alert subscribers depend on it.
    public static TheoryData<string, string> WrittenTexts => new()
    {
        { "modify", """{"schemaVersion":1,"orderId":"café-1","timestamp":123456789012345678901234567890,"status":"FAILED","previousStatus":"PENDING","eventType":"MODIFY","eventId":"evt-1","sequenceNumber":"400000000000000000001","approximateCreationTime":"2023-11-14T22:13:20.500Z","processedAt":"2026-03-01T12:00:00.123Z","environment":"test","deletedBy":null,"newImage":{"orderId":"café-1","timestamp":123456789012345678901234567890,"status":"FAILED","amount":12345678901234567890.123,"note":{"text":"naïve \"quoted\" <tag>"}},"oldImage":{"orderId":"café-1","timestamp":123456789012345678901234567890,"status":"PENDING"}}""" },
        { "modify without images", """{"schemaVersion":1,"orderId":"café-1","timestamp":123456789012345678901234567890,"status":"FAILED","previousStatus":"PENDING","eventType":"MODIFY","eventId":"evt-1","sequenceNumber":"400000000000000000001","approximateCreationTime":"2023-11-14T22:13:20.500Z","processedAt":"2026-03-01T12:00:00.123Z","environment":"test","deletedBy":null,"imagesOmitted":"images left out (é)"}""" },
        { "remove by ttl", """{"schemaVersion":1,"orderId":"ORD-2","timestamp":1700000000000,"status":"SHIPPED","previousStatus":"SHIPPED","eventType":"REMOVE","eventId":"evt-2","sequenceNumber":"400000000000000000002","approximateCreationTime":"2023-11-14T22:13:20.500Z","processedAt":"2026-03-01T12:00:00.123Z","environment":"test","deletedBy":"ttl","newImage":null,"oldImage":{"orderId":"ORD-2","timestamp":1700000000000,"status":"SHIPPED"}}""" },
        { "reconciled remove", """{"schemaVersion":1,"orderId":"ORD-4","timestamp":1700000000000,"status":"SHIPPED","previousStatus":"SHIPPED","eventType":"REMOVE","eventId":null,"sequenceNumber":null,"approximateCreationTime":null,"processedAt":"2026-03-01T12:00:00.123Z","environment":"test","deletedBy":"unknown","newImage":null,"oldImage":{"orderId":"ORD-4","timestamp":1700000000000,"status":"SHIPPED"},"reconciled":"MissingRemove"}""" },
        { "quarantine", """{"schemaVersion":1,"reason":"eventName 'UPSERT' is not INSERT, MODIFY or REMOVE","orderId":"ORD-3","eventType":"UPSERT","eventId":"evt-3","sequenceNumber":"400000000000000000003","quarantinedAt":"2026-03-01T12:00:00.123Z","environment":"test","record":{"eventID":"evt-3","eventName":"UPSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1","eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000","dynamodb":{"ApproximateCreationDateTime":1700000000.5,"Keys":{"orderId":{"S":"ORD-3"},"timestamp":{"N":"1700000000000"}},"NewImage":{"orderId":{"S":"ORD-3"},"timestamp":{"N":"1700000000000"},"status":{"S":"PENDING"}},"OldImage":null,"SequenceNumber":"400000000000000000003","SizeBytes":120,"StreamViewType":"NEW_AND_OLD_IMAGES"},"userIdentity":null}}""" },
        { "quarantine without record", """{"schemaVersion":1,"reason":"eventName 'UPSERT' is not INSERT, MODIFY or REMOVE","orderId":"ORD-3","eventType":"UPSERT","eventId":"evt-3","sequenceNumber":"400000000000000000003","quarantinedAt":"2026-03-01T12:00:00.123Z","environment":"test","record":"omitted: too large for an alert; the full record is in S3 at quarantine/0000000000000000000400000000000000000003.json"}""" },
    };

    [Theory]
    [MemberData(nameof(WrittenTexts))]
    public void Documents_keep_their_exact_text(string sample, string expected) =>
        Assert.Equal(expected, AuditDocumentSamples.Texts()[sample]);

    [Theory]
    [MemberData(nameof(WrittenTexts))]
    public void Every_field_written_is_read_back_and_written_again_the_same(string sample, string text)
    {
        var document = AuditDocument.Parse(text, KindOf(sample), sample);

        Assert.Equal(text, document.ToJson());
    }

    [Fact]
    public void A_stored_document_reads_back_equal_to_the_one_written()
    {
        foreach (var written in new[] { AuditDocumentSamples.Modify().ToDocument(), AuditDocumentSamples.RemoveByTtl().ToDocument(), AuditDocumentSamples.ReconciledRemove().ToDocument(), AuditDocumentSamples.Unreadable().ToDocument() })
        {
            Assert.Equal(written, AuditDocument.Parse(written.ToJson(), written.Kind, "sample"));
        }
    }

    [Theory]
    [InlineData(AuditDocumentKind.Audit)]
    [InlineData(AuditDocumentKind.Quarantine)]
    public void The_samples_give_every_field_of_a_kind_a_value(AuditDocumentKind kind)
    {
        // Without a value in some sample, a field dropped on reading would still round-trip as null.
        var withValues = AuditDocumentSamples.Texts()
            .Where(sample => KindOf(sample.Key) == kind)
            .SelectMany(sample => JsonDocument.Parse(sample.Value).RootElement.EnumerateObject()
                .Where(field => field.Value.ValueKind != JsonValueKind.Null).Select(field => field.Name).ToList())
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(AuditDocument.FieldNames(kind).Order(StringComparer.Ordinal), withValues.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_retry_with_a_new_processing_time_states_the_same_facts()
    {
        var first = AuditDocumentSamples.Modify().ToDocument();
        var retry = first with { ProcessedAt = first.ProcessedAt!.Value.AddMinutes(5), SchemaVersion = 2 };

        Assert.True(first.HasSameFactsAs(retry));
        Assert.Equal(new[] { "schemaVersion", "processedAt", "quarantinedAt" }, AuditDocument.ProcessingMetadataFields);
        Assert.All(AuditDocument.ProcessingMetadataFields, name => Assert.Contains(name, AuditDocument.FieldNames(AuditDocumentKind.Audit).Concat(AuditDocument.FieldNames(AuditDocumentKind.Quarantine))));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("newImage")]
    [InlineData("eventType")]
    [InlineData("environment")]
    [InlineData("reconciled")]
    public void A_change_to_any_field_but_processing_metadata_is_a_different_fact(string field)
    {
        var first = AuditDocumentSamples.Modify().ToDocument();
        var changed = field switch
        {
            "status" => first with { Status = "SHIPPED" },
            "newImage" => first with { NewImageJson = first.NewImageJson!.Replace("FAILED", "SHIPPED", StringComparison.Ordinal) },
            "eventType" => first with { EventType = "INSERT" },
            "environment" => first with { Environment = "prod" },
            _ => first with { Reconciled = "StaleAudit" },
        };

        Assert.False(first.HasSameFactsAs(changed));
    }

    [Fact]
    public void When_written_is_the_processing_time_or_for_quarantine_the_quarantine_time()
    {
        var audit = AuditDocumentSamples.Modify().ToDocument();
        var quarantine = AuditDocumentSamples.Unreadable().ToDocument();

        Assert.Equal(audit.ProcessedAt, audit.WrittenAt);
        Assert.Equal(quarantine.QuarantinedAt, quarantine.WrittenAt);
    }

    [Fact]
    public void Text_that_is_not_a_json_object_is_refused_naming_where_it_came_from()
    {
        var invalid = Assert.Throws<InvalidDataException>(() => AuditDocument.Parse("not json", AuditDocumentKind.Audit, "s3://b/k"));
        var array = Assert.Throws<InvalidDataException>(() => AuditDocument.Parse("[]", AuditDocumentKind.Audit, "s3://b/k"));

        Assert.StartsWith("s3://b/k is not valid JSON: ", invalid.Message, StringComparison.Ordinal);
        Assert.Equal("s3://b/k is not an audit record (not a JSON object).", array.Message);
    }

    private static AuditDocumentKind KindOf(string sample) =>
        sample.StartsWith("quarantine", StringComparison.Ordinal) ? AuditDocumentKind.Quarantine : AuditDocumentKind.Audit;
}
