using System.Globalization;
using System.Text.Json;

namespace OrderMonitoring.Processor.Audit;

/// <summary>The audit object written for one stream record of an order (schema version 1).</summary>
public sealed class AuditRecord
{
    /// <summary>Bumped whenever a field changes meaning.</summary>
    public const int CurrentSchemaVersion = 1;

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

    /// <summary>The S3 key this record is written to.</summary>
    public string Key { get; init; } = string.Empty;

    /// <summary>The JSON document stored in S3 (and sent as the alert message).</summary>
    public string ToJson() => JsonOutput.Write(writer => Write(writer, includeImages: true, note: null));

    /// <summary>The document without images and with statuses cut to 1 KB, with a note saying why (for size-limited channels).</summary>
    public string ToJsonWithoutImages(string note) => JsonOutput.Write(writer => Write(writer, includeImages: false, note));

    private void Write(Utf8JsonWriter writer, bool includeImages, string? note)
    {
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion", CurrentSchemaVersion);
        writer.WriteString("orderId", OrderId);
        writer.WritePropertyName("timestamp");
        if (DynamoNumber.IsJsonNumber(Timestamp))
        {
            writer.WriteRawValue(Timestamp, skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(Timestamp);
        }

        writer.WriteString("status", includeImages ? Status : Utf8Text.Truncate(Status, MaxStatusBytesWithoutImages));
        writer.WriteString("previousStatus", includeImages || PreviousStatus is null ? PreviousStatus : Utf8Text.Truncate(PreviousStatus, MaxStatusBytesWithoutImages));
        writer.WriteString("eventType", EventType);
        writer.WriteString("eventId", EventId);
        writer.WriteString("sequenceNumber", SequenceNumber);
        writer.WriteString("approximateCreationTime", ApproximateCreationTime is { } created ? Iso(created) : null);
        writer.WriteString("processedAt", Iso(ProcessedAt));
        writer.WriteString("environment", Environment);
        writer.WriteString("deletedBy", DeletedBy);
        if (includeImages)
        {
            WriteRawOrNull(writer, "newImage", NewImageJson);
            WriteRawOrNull(writer, "oldImage", OldImageJson);
        }
        else
        {
            writer.WriteString("imagesOmitted", note);
        }

        writer.WriteEndObject();
    }

    internal static string Iso(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteRawOrNull(Utf8JsonWriter writer, string name, string? json)
    {
        writer.WritePropertyName(name);
        if (json is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(json, skipInputValidation: true);
        }
    }
}
