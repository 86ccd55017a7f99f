using System.Text.Json;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Processor.Audit;

/// <summary>A stream record that cannot be audited as an order, kept whole with the reason under <c>quarantine/</c>.</summary>
public sealed class QuarantineRecord
{
    private static readonly JsonSerializerOptions RecordOptions = new()
    {
        Encoder = JsonOutput.WriterOptions.Encoder,
        MaxDepth = StreamRecord.MaxJsonDepth,
        Converters = { new RawJsonElementConverter() },
    };

    private QuarantineRecord(StreamRecord record, string reason, string recordJson, string environment, DateTimeOffset quarantinedAt, string? orderId)
    {
        OrderId = orderId;
        Record = record;
        Reason = reason;
        RecordJson = recordJson;
        Environment = environment;
        QuarantinedAt = quarantinedAt;
        Key = AuditKey.ForQuarantine(record.Dynamodb?.SequenceNumber, recordJson);
    }

    public StreamRecord Record { get; }

    /// <summary>Why the record could not be audited.</summary>
    public string Reason { get; }

    /// <summary>The stream record as JSON, exactly what was received (typed DynamoDB JSON kept).</summary>
    public string RecordJson { get; }

    public string Environment { get; }

    public DateTimeOffset QuarantinedAt { get; }

    /// <summary>The S3 key (deterministic for the same record).</summary>
    public string Key { get; }

    /// <summary>The order id when one could still be read (used for the alert subject and ordering).</summary>
    public string? OrderId { get; }

    internal static QuarantineRecord Create(StreamRecord record, string reason, string environment, DateTimeOffset at, string? orderId) =>
        // A record with a defect is kept as it came: re-serializing would drop exactly what made it unreadable.
        new(record, reason, record.Defect?.ReceivedJson ?? JsonSerializer.Serialize(record, RecordOptions), environment, at, orderId);

    /// <summary>The JSON document stored in S3.</summary>
    public string ToJson() => ToDocument().ToJson();

    /// <summary>The document without the record body, for size-limited channels; the S3 object keeps it.</summary>
    public string ToJsonWithoutRecord() => (ToDocument() with
    {
        // A reason can quote the offending value; the size-limited document keeps its first kilobyte.
        Reason = Utf8Text.Truncate(Reason, 1024),
        RecordJson = null,
        RecordOmitted = $"omitted: too large for an alert; the full record is in S3 at {Key}",
    }).ToJson();

    /// <summary>This record as the stored document.</summary>
    public AuditDocument ToDocument() => new()
    {
        Kind = AuditDocumentKind.Quarantine,
        SchemaVersion = AuditDocument.CurrentSchemaVersion,
        Reason = Reason,
        OrderId = OrderId,
        EventType = Record.EventName,
        EventId = Record.EventId,
        SequenceNumber = Record.Dynamodb?.SequenceNumber,
        QuarantinedAt = QuarantinedAt,
        Environment = Environment,
        RecordJson = RecordJson,
    };
}
