using System.Collections.Specialized;
using System.Globalization;
using System.Text.Json;

namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>
/// Reads the processor's audit (and quarantine) JSON into <see cref="OrderAuditRecord"/>. Numbers are read from their
/// raw text so no digit is lost; images become ordered hashtables.
/// </summary>
internal static class AuditRecordParser
{
    /// <summary>Parses one stored object; throws <see cref="InvalidDataException"/> when it is not an audit document.</summary>
    public static OrderAuditRecord Parse(string bucketName, string key, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException invalid)
        {
            throw new InvalidDataException($"s3://{bucketName}/{key} is not valid JSON: {invalid.Message}", invalid);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"s3://{bucketName}/{key} is not an audit record (not a JSON object).");
            }

            var quarantined = key.StartsWith(Processor.Audit.AuditKey.QuarantinePrefix, StringComparison.Ordinal);
            var timestamp = Raw(root, "timestamp");
            return new OrderAuditRecord
            {
                OrderId = Text(root, "orderId"),
                Timestamp = timestamp,
                EventTime = FromEpochMilliseconds(timestamp),
                Status = Text(root, "status"),
                PreviousStatus = Text(root, "previousStatus"),
                EventType = Text(root, "eventType"),
                EventId = Text(root, "eventId"),
                SequenceNumber = Text(root, "sequenceNumber"),
                ApproximateCreationTime = Time(root, "approximateCreationTime"),
                ProcessedAt = Time(root, quarantined ? "quarantinedAt" : "processedAt"),
                Environment = Text(root, "environment"),
                DeletedBy = Text(root, "deletedBy"),
                NewImage = Image(root, "newImage"),
                OldImage = Image(root, "oldImage"),
                Quarantined = quarantined,
                QuarantineReason = Text(root, "reason"),
                SchemaVersion = root.TryGetProperty("schemaVersion", out var version) && version.TryGetInt32(out var v) ? v : null,
                BucketName = bucketName,
                Key = key,
            };
        }
    }

    /// <summary>A JSON value as PowerShell likes it: objects as ordered hashtables, arrays as object[], numbers exact.</summary>
    public static object? ToPowerShellValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToOrdered(element),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPowerShellValue).ToArray(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => Number(element.GetRawText()),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static OrderedDictionary ToOrdered(JsonElement element) =>
        Fill(new OrderedDictionary(HasNamesDifferingOnlyByCase(element) ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase), element);

    private static OrderedDictionary Fill(OrderedDictionary map, JsonElement element)
    {
        foreach (var property in element.EnumerateObject())
        {
            map[property.Name] = ToPowerShellValue(property.Value);
        }

        return map;
    }

    // DynamoDB attribute (and map key) names are case-sensitive: "status" and "Status" are two attributes. PowerShell users
    // expect $image.status to find "Status", so maps compare case-insensitively unless that would merge two names.
    private static bool HasNamesDifferingOnlyByCase(JsonElement element)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var exact = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (exact.Add(property.Name) && !names.Add(property.Name))
            {
                return true;
            }
        }

        return false;
    }

    // long when integral, decimal when it fits exactly, else the digits as text so nothing is rounded away.
    private static object Number(string raw)
    {
        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer;
        }

        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)
            && string.Equals(Trim(exact.ToString(CultureInfo.InvariantCulture)), Trim(raw), StringComparison.Ordinal))
        {
            return exact;
        }

        return raw;
    }

    private static string Trim(string number) => number.IndexOf('.') >= 0 && number.IndexOfAny(new[] { 'e', 'E' }) < 0 ? number.TrimEnd('0').TrimEnd('.') : number;

    private static OrderedDictionary? Image(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var image) || image.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return Fill(new AuditImage(image.GetRawText(), caseSensitiveKeys: HasNamesDifferingOnlyByCase(image)), image);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        } : null;

    private static string? Raw(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    private static DateTimeOffset? Time(JsonElement root, string name) =>
        Text(root, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    private static DateTimeOffset? FromEpochMilliseconds(string? text)
    {
        // The seed's timestamps are epoch milliseconds; anything outside DateTimeOffset's range stays text only.
        const long MaxMilliseconds = 253402300799999;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= MaxMilliseconds
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
    }
}
