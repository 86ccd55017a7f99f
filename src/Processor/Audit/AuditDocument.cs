using System.Globalization;
using System.Text.Json;

namespace OrderMonitoring.Processor.Audit;

/// <summary>Which document: an order's audit object (orders/) or a record that could not be audited (quarantine/).</summary>
public enum AuditDocumentKind
{
    Audit,
    Quarantine,
}

/// <summary>
/// The audit document as stored in S3 and sent as an alert message: the one place that names its fields, writes them
/// and reads them back. Each field is one entry of <see cref="Fields"/> (name, which kinds write it, how); its order
/// is the order in which documents are written, so stored objects and subscribers see the same text as ever.
/// </summary>
public sealed record AuditDocument
{
    /// <summary>Bumped whenever a field changes meaning.</summary>
    public const int CurrentSchemaVersion = 1;

    private static readonly AuditDocumentKind[] Both = { AuditDocumentKind.Audit, AuditDocumentKind.Quarantine };
    private static readonly AuditDocumentKind[] AuditOnly = { AuditDocumentKind.Audit };
    private static readonly AuditDocumentKind[] QuarantineOnly = { AuditDocumentKind.Quarantine };

    // Every field, in the order both kinds write them (a quarantine document has its reason second; an audit document
    // has none). A new field is one entry here plus its property; fields that only some documents carry are written
    // only when set, so documents without them keep their exact text.
    private static readonly AuditField[] Fields =
    {
        AuditField.Number("schemaVersion", Both, d => d.SchemaVersion, (d, v) => d with { SchemaVersion = v }),
        AuditField.Text("reason", QuarantineOnly, d => d.Reason, (d, v) => d with { Reason = v }),
        AuditField.Text("orderId", Both, d => d.OrderId, (d, v) => d with { OrderId = v }),
        AuditField.NumberOrText("timestamp", AuditOnly, d => d.Timestamp, (d, v) => d with { Timestamp = v }),
        AuditField.Text("status", AuditOnly, d => d.Status, (d, v) => d with { Status = v }),
        AuditField.Text("previousStatus", AuditOnly, d => d.PreviousStatus, (d, v) => d with { PreviousStatus = v }),
        AuditField.Text("eventType", Both, d => d.EventType, (d, v) => d with { EventType = v }),
        AuditField.Text("eventId", Both, d => d.EventId, (d, v) => d with { EventId = v }),
        AuditField.Text("sequenceNumber", Both, d => d.SequenceNumber, (d, v) => d with { SequenceNumber = v }),
        AuditField.Time("approximateCreationTime", AuditOnly, d => d.ApproximateCreationTime, (d, v) => d with { ApproximateCreationTime = v }),
        AuditField.Time("processedAt", AuditOnly, d => d.ProcessedAt, (d, v) => d with { ProcessedAt = v }),
        AuditField.Time("quarantinedAt", QuarantineOnly, d => d.QuarantinedAt, (d, v) => d with { QuarantinedAt = v }),
        AuditField.Text("environment", Both, d => d.Environment, (d, v) => d with { Environment = v }),
        AuditField.Text("deletedBy", AuditOnly, d => d.DeletedBy, (d, v) => d with { DeletedBy = v }),
        AuditField.Json("newImage", AuditOnly, d => d.NewImageJson, (d, v) => d with { NewImageJson = v }, writtenWhen: d => d.ImagesOmitted is null),
        AuditField.Json("oldImage", AuditOnly, d => d.OldImageJson, (d, v) => d with { OldImageJson = v }, writtenWhen: d => d.ImagesOmitted is null),
        AuditField.Text("imagesOmitted", AuditOnly, d => d.ImagesOmitted, (d, v) => d with { ImagesOmitted = v }, writtenWhen: d => d.ImagesOmitted is not null),
        AuditField.Text("reconciled", AuditOnly, d => d.Reconciled, (d, v) => d with { Reconciled = v }, writtenWhen: d => d.Reconciled is not null),
        AuditField.JsonOrNote("record", QuarantineOnly, d => (d.RecordJson, d.RecordOmitted), (d, json, note) => d with { RecordJson = json, RecordOmitted = note }),
    };

    public AuditDocumentKind Kind { get; init; }

    public int? SchemaVersion { get; init; }

    public string? Reason { get; init; }

    public string? OrderId { get; init; }

    /// <summary>The sort key exactly as DynamoDB sent it: written as a JSON number when it is one, else as a string.</summary>
    public string? Timestamp { get; init; }

    public string? Status { get; init; }

    public string? PreviousStatus { get; init; }

    public string? EventType { get; init; }

    public string? EventId { get; init; }

    public string? SequenceNumber { get; init; }

    public DateTimeOffset? ApproximateCreationTime { get; init; }

    public DateTimeOffset? ProcessedAt { get; init; }

    public DateTimeOffset? QuarantinedAt { get; init; }

    public string? Environment { get; init; }

    public string? DeletedBy { get; init; }

    /// <summary>The new image as plain JSON text.</summary>
    public string? NewImageJson { get; init; }

    /// <summary>The old image as plain JSON text.</summary>
    public string? OldImageJson { get; init; }

    /// <summary>Alerts only: why the images were left out (then neither image is written).</summary>
    public string? ImagesOmitted { get; init; }

    /// <summary>
    /// Set only on records written by Repair-OrderAuditLog instead of the processor: the finding they repair
    /// (MissingAudit, StaleAudit, MissingRemove). Such records have no stream sequence number or event id.
    /// </summary>
    public string? Reconciled { get; init; }

    /// <summary>The quarantined stream record as JSON text, exactly as received.</summary>
    public string? RecordJson { get; init; }

    /// <summary>Alerts only: where the quarantined record is, written instead of it.</summary>
    public string? RecordOmitted { get; init; }

    /// <summary>When the processor wrote the document: the quarantine time for a quarantined record.</summary>
    public DateTimeOffset? WrittenAt => Kind == AuditDocumentKind.Quarantine ? QuarantinedAt : ProcessedAt;

    /// <summary>
    /// The fields that describe the processing, not the change: a retry rewrites the key with a new
    /// <c>processedAt</c>/<c>quarantinedAt</c> (and a newer processor may write a newer <c>schemaVersion</c>), while
    /// every other field comes from the stream record and is written the same again.
    /// </summary>
    public static IReadOnlyList<string> ProcessingMetadataFields { get; } = new[] { "schemaVersion", "processedAt", "quarantinedAt" };

    /// <summary>True when both documents state the same change: equal in every field but <see cref="ProcessingMetadataFields"/>.</summary>
    public bool HasSameFactsAs(AuditDocument other) =>
        other is not null && WithoutProcessingMetadata() == other.WithoutProcessingMetadata();

    private AuditDocument WithoutProcessingMetadata() => this with { SchemaVersion = null, ProcessedAt = null, QuarantinedAt = null };

    /// <summary>The document's JSON text.</summary>
    public string ToJson() => JsonOutput.Write(Write);

    /// <summary>The document's JSON as UTF-8 bytes and as text, serialised once.</summary>
    internal (byte[] Utf8, string Text) ToUtf8AndText() => JsonOutput.WriteBoth(Write);

    /// <summary>
    /// Reads a stored document. Every field is read whatever the kind (absent ones stay null), so a document from an
    /// older or newer processor still reads; throws <see cref="InvalidDataException"/> when the text is not a JSON object.
    /// </summary>
    /// <param name="json">The document's text.</param>
    /// <param name="kind">The kind its location says it is.</param>
    /// <param name="source">Where it was read from, for the error message.</param>
    public static AuditDocument Parse(string json, AuditDocumentKind kind, string source)
    {
        JsonDocument parsed;
        try
        {
            // As deep as a stream record may be: an item DynamoDB stores (32 levels) nests twice as deep in typed JSON.
            parsed = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = OrderMonitoring.Aws.Streams.StreamRecord.MaxJsonDepth });
        }
        catch (JsonException invalid)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {invalid.Message}", invalid);
        }

        using (parsed)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source} is not an audit record (not a JSON object).");
            }

            var document = new AuditDocument { Kind = kind };
            foreach (var field in Fields)
            {
                if (root.TryGetProperty(field.Name, out var value))
                {
                    try
                    {
                        document = field.Read(document, value);
                    }
                    catch (Exception wrongType) when (wrongType is InvalidOperationException or FormatException or OverflowException)
                    {
                        // A field of the wrong JSON type ("schemaVersion":"1") makes the object unreadable, never the reader fail.
                        throw new InvalidDataException($"{source} is not an audit record: its '{field.Name}' is not what an audit record holds ({wrongType.Message})", wrongType);
                    }
                }
            }

            return document;
        }
    }

    /// <summary>The name of every field a document of <paramref name="kind"/> can hold.</summary>
    public static IReadOnlyList<string> FieldNames(AuditDocumentKind kind) =>
        Fields.Where(field => field.Kinds.Contains(kind)).Select(field => field.Name).ToList();

    private void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var field in Fields.Where(field => field.Kinds.Contains(Kind) && field.IsWritten(this)))
        {
            writer.WritePropertyName(field.Name);
            field.Write(writer, this);
        }

        writer.WriteEndObject();
    }

    internal static string Iso(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
