using System.Globalization;
using System.Text.Json;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Template;

namespace OrderMonitoring.Processor.Audit;

/// <summary>What one stream record becomes: an audit record, or a quarantine record with the reason.</summary>
public sealed class ReadOutcome
{
    public AuditRecord? Audit { get; init; }

    public QuarantineRecord? Quarantine { get; init; }

    /// <summary>The order id when one could be read; records of one order are processed in stream order.</summary>
    public string? OrderId { get; init; }

    private Serialized? _serialized;

    /// <summary>Where the document is written.</summary>
    public string Key => Audit?.Key ?? Quarantine?.Key ?? throw new InvalidOperationException("The outcome has neither an audit nor a quarantine record.");

    /// <summary>The document's text, serialised once: hashed for the digest, written, and reused by the alert.</summary>
    public string Json => Document.Text;

    /// <summary>The same document as UTF-8 bytes (what the digest hashes), encoded once with <see cref="Json"/>.</summary>
    public byte[] Utf8Json => Document.Utf8;

    private Serialized Document => _serialized ??= Serialize();

    private Serialized Serialize()
    {
        var (utf8, text) = (Audit?.ToDocument() ?? Quarantine?.ToDocument()
            ?? throw new InvalidOperationException("The outcome has neither an audit nor a quarantine record.")).ToUtf8AndText();
        return new Serialized(utf8, text);
    }

    // One reference, so a second thread sees either none or both forms.
    private sealed record Serialized(byte[] Utf8, string Text);

    public string? SequenceNumber => Audit is { } audit ? (string.IsNullOrEmpty(audit.SequenceNumber) ? null : audit.SequenceNumber) : Quarantine?.Record.Dynamodb?.SequenceNumber;

    public string? EventId => Audit?.EventId ?? Quarantine?.Record.EventId;

    /// <summary>
    /// What the processor makes of <paramref name="record"/>, by the same code path as a batch: how a repair rebuilds
    /// an audit object whose every version is gone from the record still in the stream.
    /// </summary>
    public static ReadOutcome Of(StreamRecord record, string environment, DateTimeOffset processedAt) => StreamRecordReader.Read(record, environment, processedAt);

    /// <summary>
    /// The order a record belongs to, read the way a batch groups records (null: none could be read): how a runner that
    /// overlaps batches keeps one order's records in stream order across them.
    /// </summary>
    public static string? OrderIdOf(StreamRecord record) => StreamRecordReader.TryReadOrderId(record);
}

/// <summary>Reads a stream record into an <see cref="AuditRecord"/>, or explains why it cannot be one.</summary>
internal static class StreamRecordReader
{
    private const string OrderIdAttribute = TemplateContract.Table.OrderIdAttribute;
    private const string TimestampAttribute = TemplateContract.Table.TimestampAttribute;
    private const string StatusAttribute = TemplateContract.Table.StatusAttribute;
    private const string DynamoDbPrincipal = "dynamodb.amazonaws.com";

    public static ReadOutcome Read(StreamRecord record, string environment, DateTimeOffset processedAt)
    {
        var orderId = TryReadOrderId(record);
        if (record.Defect is { } defect)
        {
            // Retrying cannot change how the record was sent, so it is never reported for redelivery.
            return new ReadOutcome { Quarantine = QuarantineRecord.Create(record, defect.Reason, environment, processedAt, orderId), OrderId = orderId };
        }

        try
        {
            return new ReadOutcome { Audit = ReadAudit(record, environment, processedAt), OrderId = orderId };
        }
        catch (Exception malformed) when (IsMalformedInput(malformed))
        {
            var quarantine = QuarantineRecord.Create(record, malformed.Message, environment, processedAt, orderId);
            return new ReadOutcome { Quarantine = quarantine, OrderId = orderId };
        }
    }

    // System.Text.Json throws InvalidOperationException for a string that is not valid UTF-16 (a lone surrogate
    // escape such as \uD800): bad input like our own FormatExceptions, not a reason to fail the whole batch.
    private static bool IsMalformedInput(Exception error) => error is FormatException or InvalidOperationException;

    private static AuditRecord ReadAudit(StreamRecord record, string environment, DateTimeOffset processedAt)
    {
        var eventType = record.EventName;
        if (eventType is not ("INSERT" or "MODIFY" or "REMOVE"))
        {
            throw new FormatException($"eventName '{eventType}' is not INSERT, MODIFY or REMOVE");
        }

        var data = record.Dynamodb ?? throw new FormatException("the record has no dynamodb section");
        var sequence = data.SequenceNumber;
        if (!AuditKey.IsValidSequenceNumber(sequence))
        {
            throw new FormatException("the record has no valid SequenceNumber (1 to 40 decimal digits)");
        }

        var newImage = RequireImage(data.NewImage, "NewImage");
        var oldImage = RequireImage(data.OldImage, "OldImage");
        var keys = RequireImage(data.Keys, "Keys");
        var image = eventType == "REMOVE" ? oldImage : newImage;

        var orderId = FromImageOrKeys(image, keys, OrderIdAttribute, AttributeValueConverter.ReadString);
        if (string.IsNullOrEmpty(orderId))
        {
            throw new FormatException("no orderId in the image or the keys");
        }

        var timestamp = FromImageOrKeys(image, keys, TimestampAttribute, AttributeValueConverter.ReadNumberText)
            ?? throw new FormatException("no timestamp in the image or the keys");
        if (!DynamoNumber.IsInteger(timestamp))
        {
            throw new FormatException($"timestamp '{timestamp}' is not an integer");
        }

        var status = image is { } current ? AttributeValueConverter.ReadString(current, StatusAttribute) : null;
        return new AuditRecord
        {
            OrderId = orderId!,
            Timestamp = timestamp,
            Status = string.IsNullOrWhiteSpace(status) ? "UNKNOWN" : status!,
            PreviousStatus = oldImage is { } old ? ReadStatusLeniently(old) : null,
            EventType = eventType!,
            EventId = record.EventId,
            SequenceNumber = sequence!,
            ApproximateCreationTime = ReadCreationTime(data.ApproximateCreationDateTime),
            ProcessedAt = processedAt,
            Environment = environment,
            DeletedBy = eventType == "REMOVE" ? (IsTimeToLiveDeletion(record) ? "ttl" : "user") : null,
            NewImageJson = newImage is { } n ? AttributeValueConverter.ConvertItem(n) : null,
            OldImageJson = oldImage is { } o ? AttributeValueConverter.ConvertItem(o) : null,
            Key = KeyFor(orderId!, sequence!),
        };
    }

    private static string KeyFor(string orderId, string sequence)
    {
        try
        {
            return AuditKey.ForRecord(orderId, sequence);
        }
        catch (ArgumentException invalid)
        {
            // Only an id that is not valid Unicode (a lone surrogate) gets here; no key can represent it faithfully.
            throw new FormatException($"orderId cannot be used in a key: {invalid.Message}");
        }
    }

    /// <summary>The string status of an image, or null when absent or not a string (never throws).</summary>
    internal static string? ReadStatusLeniently(JsonElement image)
    {
        try
        {
            return AttributeValueConverter.ReadString(image, StatusAttribute);
        }
        catch (Exception malformed) when (IsMalformedInput(malformed))
        {
            return null;
        }
    }

    /// <summary>The attribute map, or null when absent; anything else present would be silently lost, so it is malformed.</summary>
    private static JsonElement? RequireImage(JsonElement? element, string name) =>
        element is not { ValueKind: not JsonValueKind.Null } present ? null
        : present.ValueKind == JsonValueKind.Object ? present
        : throw new FormatException($"{name} is a JSON {present.ValueKind.ToString().ToLowerInvariant()}, not an object of attributes");

    internal static JsonElement? Image(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } image ? image : null;

    internal static bool IsTimeToLiveDeletion(StreamRecord record) =>
        string.Equals(record.UserIdentity?.Type, "Service", StringComparison.Ordinal)
        && string.Equals(record.UserIdentity?.PrincipalId, DynamoDbPrincipal, StringComparison.Ordinal);

    /// <summary>Epoch seconds (possibly fractional) to a time; null when absent or unreadable.</summary>
    internal static DateTimeOffset? ReadCreationTime(JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.Number } number
            || !decimal.TryParse(number.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }

        var milliseconds = seconds * 1000m;
        // Beyond DateTimeOffset's range the value cannot be a real creation time.
        return milliseconds is > -62_135_596_800_000m and < 253_402_300_800_000m
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Truncate(milliseconds))
            : null;
    }

    private static string? FromImageOrKeys(JsonElement? image, JsonElement? keys, string name, Func<JsonElement, string, string?> read)
    {
        if (image is { } i && i.TryGetProperty(name, out _))
        {
            return read(i, name);
        }

        return keys is { } k ? read(k, name) : null;
    }

    internal static string? TryReadOrderId(StreamRecord record)
    {
        var data = record.Dynamodb;
        foreach (var candidate in new[] { data?.NewImage, data?.OldImage, data?.Keys })
        {
            if (Image(candidate) is { } image)
            {
                try
                {
                    if (AttributeValueConverter.ReadString(image, OrderIdAttribute) is { Length: > 0 } id)
                    {
                        return id;
                    }
                }
                catch (Exception malformed) when (IsMalformedInput(malformed))
                {
                    // A wrongly typed (or not valid Unicode) id in one image; another may still name the order.
                }
            }
        }

        return null;
    }
}
