namespace OrderMonitoring.Processor.Audit;

/// <summary>The audit object written for one stream record of an order (written as an <see cref="AuditDocument"/>).</summary>
public sealed class AuditRecord
{
    /// <summary>How much of a status the size-limited document keeps (a status can be most of a 400 KB item).</summary>
    internal const int MaxStatusBytesWithoutImages = 1024;

    public string OrderId { get; init; } = string.Empty;

    /// <summary>The sort key exactly as DynamoDB sent it (every digit kept).</summary>
    public string Timestamp { get; init; } = string.Empty;

    /// <summary>As sent; <c>UNKNOWN</c> when absent or empty.</summary>
    public string Status { get; init; } = string.Empty;

    public string? PreviousStatus { get; init; }

    /// <summary>INSERT, MODIFY or REMOVE.</summary>
    public string EventType { get; init; } = string.Empty;

    public string? EventId { get; init; }

    public string SequenceNumber { get; init; } = string.Empty;

    public DateTimeOffset? ApproximateCreationTime { get; init; }

    public DateTimeOffset ProcessedAt { get; init; }

    public string Environment { get; init; } = string.Empty;

    /// <summary>REMOVE only: <c>ttl</c> when DynamoDB's TTL deleted the item, else <c>user</c>.</summary>
    public string? DeletedBy { get; init; }

    /// <summary>The new image as plain JSON text, or null.</summary>
    public string? NewImageJson { get; init; }

    /// <summary>The old image as plain JSON text, or null.</summary>
    public string? OldImageJson { get; init; }

    /// <summary>Reconciliation records only: the finding they repair (see <see cref="AuditDocument.Reconciled"/>).</summary>
    public string? Reconciled { get; init; }

    /// <summary>The S3 key this record is written to.</summary>
    public string Key { get; init; } = string.Empty;

    /// <summary>The JSON document stored in S3 (and sent as the alert message).</summary>
    public string ToJson() => ToDocument().ToJson();

    /// <summary>The document without images and with statuses cut to 1 KB, with a note saying why (for size-limited channels).</summary>
    public string ToJsonWithoutImages(string note) => (ToDocument() with
    {
        Status = Utf8Text.Truncate(Status, MaxStatusBytesWithoutImages),
        PreviousStatus = PreviousStatus is null ? null : Utf8Text.Truncate(PreviousStatus, MaxStatusBytesWithoutImages),
        NewImageJson = null,
        OldImageJson = null,
        ImagesOmitted = note,
    }).ToJson();

    /// <summary>This record as the stored document.</summary>
    public AuditDocument ToDocument() => new()
    {
        Kind = AuditDocumentKind.Audit,
        SchemaVersion = AuditDocument.CurrentSchemaVersion,
        OrderId = OrderId,
        Timestamp = Timestamp,
        Status = Status,
        PreviousStatus = PreviousStatus,
        EventType = EventType,
        EventId = EventId,
        SequenceNumber = string.IsNullOrEmpty(SequenceNumber) ? null : SequenceNumber,
        ApproximateCreationTime = ApproximateCreationTime,
        ProcessedAt = ProcessedAt,
        Environment = Environment,
        DeletedBy = DeletedBy,
        NewImageJson = NewImageJson,
        OldImageJson = OldImageJson,
        Reconciled = Reconciled,
    };

    // The processor's log lines use the documents' time format.
    internal static string Iso(DateTimeOffset value) => AuditDocument.Iso(value);
}
