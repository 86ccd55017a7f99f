using System.Text.Json.Nodes;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>Records that set every field of the audit document, for the document's text and round-trip tests.</summary>
internal static class AuditDocumentSamples
{
    private static readonly DateTimeOffset ProcessedAt = new(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);

    /// <summary>A MODIFY with both images, a previous status, a 30-digit timestamp and non-ASCII text.</summary>
    public static AuditRecord Modify()
    {
        var newImage = Events.Item("café-1", "123456789012345678901234567890", "FAILED");
        newImage["amount"] = new JsonObject { ["N"] = "12345678901234567890.123" };
        newImage["note"] = new JsonObject { ["M"] = new JsonObject { ["text"] = new JsonObject { ["S"] = "naïve \"quoted\" <tag>" } } };
        var oldImage = Events.Item("café-1", "123456789012345678901234567890", "PENDING");
        var record = Events.Record("MODIFY", newImage: newImage, oldImage: oldImage, sequence: "400000000000000000001", eventId: "evt-1");
        return StreamRecordReader.Read(record, "test", ProcessedAt).Audit!;
    }

    /// <summary>A REMOVE made by DynamoDB's TTL: old image only, deletedBy set.</summary>
    public static AuditRecord RemoveByTtl()
    {
        var ttl = new JsonObject { ["type"] = "Service", ["principalId"] = "dynamodb.amazonaws.com" };
        var record = Events.Record("REMOVE", oldImage: Events.Item("ORD-2", status: "SHIPPED"), sequence: "400000000000000000002", eventId: "evt-2",
            userIdentity: ttl);
        return StreamRecordReader.Read(record, "test", ProcessedAt).Audit!;
    }

    /// <summary>A REMOVE written by Repair-OrderAuditLog: no sequence number, event id or creation time; marked reconciled.</summary>
    public static AuditRecord ReconciledRemove() => new()
    {
        OrderId = "ORD-4",
        Timestamp = "1700000000000",
        Status = "SHIPPED",
        PreviousStatus = "SHIPPED",
        EventType = "REMOVE",
        ProcessedAt = ProcessedAt,
        Environment = "test",
        DeletedBy = "unknown",
        OldImageJson = """{"orderId":"ORD-4","timestamp":1700000000000,"status":"SHIPPED"}""",
        Reconciled = "MissingRemove",
    };

    /// <summary>A record that cannot be audited (an unknown event name), quarantined with its order id.</summary>
    public static QuarantineRecord Unreadable()
    {
        var record = Events.Record("UPSERT", newImage: Events.Item("ORD-3"), sequence: "400000000000000000003", eventId: "evt-3");
        return StreamRecordReader.Read(record, "test", ProcessedAt).Quarantine!;
    }

    /// <summary>Every document the processor writes for the samples: stored objects and the size-limited alert forms.</summary>
    public static IReadOnlyDictionary<string, string> Texts() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["modify"] = Modify().ToJson(),
        ["modify without images"] = Modify().ToJsonWithoutImages("images left out (é)"),
        ["remove by ttl"] = RemoveByTtl().ToJson(),
        ["reconciled remove"] = ReconciledRemove().ToJson(),
        ["quarantine"] = Unreadable().ToJson(),
        ["quarantine without record"] = Unreadable().ToJsonWithoutRecord(),
    };
}
