using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Tests.AuditLog;

/// <summary>
/// The module reads the audit document through <see cref="AuditDocument"/>: every field a stored document holds reaches
/// <see cref="OrderAuditRecord"/>, unless listed below with the reason. A field added to the document fails here until
/// the module shows it or says why not.
/// </summary>
public sealed class AuditDocumentReadingTests
{
    private static readonly DateTimeOffset Processed = new(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);

    // Field -> the OrderAuditRecord property that shows it.
    private static readonly Dictionary<string, Func<OrderAuditRecord, object?>> ShownAs = new(StringComparer.Ordinal)
    {
        ["schemaVersion"] = r => r.SchemaVersion,
        ["reason"] = r => r.QuarantineReason,
        ["orderId"] = r => r.OrderId,
        ["timestamp"] = r => r.Timestamp,
        ["status"] = r => r.Status,
        ["previousStatus"] = r => r.PreviousStatus,
        ["eventType"] = r => r.EventType,
        ["eventId"] = r => r.EventId,
        ["sequenceNumber"] = r => r.SequenceNumber,
        ["approximateCreationTime"] = r => r.ApproximateCreationTime,
        ["processedAt"] = r => r.ProcessedAt,
        ["quarantinedAt"] = r => r.ProcessedAt,
        ["environment"] = r => r.Environment,
        ["reconciled"] = r => r.ReconciledFor,
        ["deletedBy"] = r => r.DeletedBy,
        ["newImage"] = r => r.NewImage,
        ["oldImage"] = r => r.OldImage,
    };

    // Fields the module does not show, and why.
    private static readonly Dictionary<string, string> NotShown = new(StringComparer.Ordinal)
    {
        ["imagesOmitted"] = "written in alert messages only; a stored object always has its images",
        ["record"] = "the quarantined stream record as received; Get-OrderAuditLog -Raw returns it",
    };

    public static TheoryData<AuditDocumentKind> Kinds => new() { AuditDocumentKind.Audit, AuditDocumentKind.Quarantine };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_field_of_a_stored_document_reaches_the_module_object(AuditDocumentKind kind)
    {
        var key = kind == AuditDocumentKind.Quarantine ? AuditKey.QuarantinePrefix + "1.json" : AuditKey.ForRecord("A", "1");

        var record = AuditRecordParser.Parse("b", key, Full(kind).ToJson());

        foreach (var field in AuditDocument.FieldNames(kind).Where(name => !NotShown.ContainsKey(name)))
        {
            Assert.True(ShownAs.TryGetValue(field, out var shown), $"The document field '{field}' is not read into OrderAuditRecord (nor listed as not shown).");
            Assert.True(shown!(record) is not null, $"The document field '{field}' was written with a value but reads back as null.");
        }
    }

    [Fact]
    public void The_module_object_holds_the_documents_values()
    {
        var record = AuditRecordParser.Parse("b", AuditKey.ForRecord("A", "1"), Full(AuditDocumentKind.Audit).ToJson());

        Assert.Equal(("A", "1767225600000", "FAILED", "PENDING", "MODIFY", "e1", "1"), (record.OrderId, record.Timestamp, record.Status, record.PreviousStatus,
            record.EventType, record.EventId, record.SequenceNumber));
        Assert.Equal((Processed, Processed.AddSeconds(-1), "dev", "user", 1), (record.ProcessedAt!.Value, record.ApproximateCreationTime!.Value, record.Environment,
            record.DeletedBy, record.SchemaVersion!.Value));
        Assert.Equal(("FAILED", "PENDING"), (record.NewImage!["status"], record.OldImage!["status"]));
    }

    [Fact]
    public void A_reconciliation_record_is_marked_as_reconciled_and_a_stream_record_is_not()
    {
        var reconciled = AuditRecordParser.Parse("b", AuditKey.ForRecord("A", "1"), Full(AuditDocumentKind.Audit).ToJson());
        var streamed = AuditRecordParser.Parse("b", AuditKey.ForRecord("A", "1"), (Full(AuditDocumentKind.Audit) with { Reconciled = null }).ToJson());

        Assert.Equal((true, "StaleAudit"), (reconciled.Reconciled, reconciled.ReconciledFor));
        Assert.Equal((false, (string?)null), (streamed.Reconciled, streamed.ReconciledFor));
    }

    [Fact]
    public void A_quarantined_record_shows_its_reason_and_quarantine_time()
    {
        var record = AuditRecordParser.Parse("b", AuditKey.QuarantinePrefix + "1.json", Full(AuditDocumentKind.Quarantine).ToJson());

        Assert.True(record.Quarantined);
        Assert.Equal(("no timestamp", Processed.AddSeconds(1)), (record.QuarantineReason, record.ProcessedAt!.Value));
    }

    // Every field of the kind set (the alert-only notes stay unset, as in a stored object).
    private static AuditDocument Full(AuditDocumentKind kind) => new()
    {
        Kind = kind,
        SchemaVersion = AuditDocument.CurrentSchemaVersion,
        Reason = "no timestamp",
        OrderId = "A",
        Timestamp = "1767225600000",
        Status = "FAILED",
        PreviousStatus = "PENDING",
        EventType = "MODIFY",
        EventId = "e1",
        SequenceNumber = "1",
        ApproximateCreationTime = Processed.AddSeconds(-1),
        ProcessedAt = Processed,
        QuarantinedAt = Processed.AddSeconds(1),
        Environment = "dev",
        DeletedBy = "user",
        NewImageJson = """{"orderId":"A","status":"FAILED"}""",
        OldImageJson = """{"orderId":"A","status":"PENDING"}""",
        RecordJson = """{"eventName":"MODIFY"}""",
        Reconciled = "StaleAudit",
    };
}
