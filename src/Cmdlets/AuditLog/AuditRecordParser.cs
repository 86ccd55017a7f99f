using System.Collections.Specialized;
using System.Globalization;
using System.Text.Json;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>
/// Reads the processor's audit (and quarantine) documents, through <see cref="AuditDocument"/>, into
/// <see cref="OrderAuditRecord"/>. Numbers are read from their raw text so no digit is lost; images become ordered hashtables.
/// </summary>
internal static class AuditRecordParser
{
    /// <summary>Parses one stored object; throws <see cref="InvalidDataException"/> when it is not an audit document.</summary>
    public static OrderAuditRecord Parse(string bucketName, string key, string json)
    {
        var quarantined = key.StartsWith(AuditKey.QuarantinePrefix, StringComparison.Ordinal);
        var document = AuditDocument.Parse(json, quarantined ? AuditDocumentKind.Quarantine : AuditDocumentKind.Audit, $"s3://{bucketName}/{key}");
        return new OrderAuditRecord
        {
            OrderId = document.OrderId,
            Timestamp = document.Timestamp,
            EventTime = FromEpochMilliseconds(document.Timestamp),
            Status = document.Status,
            PreviousStatus = document.PreviousStatus,
            EventType = document.EventType,
            EventId = document.EventId,
            SequenceNumber = document.SequenceNumber,
            ApproximateCreationTime = document.ApproximateCreationTime,
            ProcessedAt = document.WrittenAt,
            Environment = document.Environment,
            DeletedBy = document.DeletedBy,
            NewImage = Image(document.NewImageJson),
            OldImage = Image(document.OldImageJson),
            Quarantined = quarantined,
            QuarantineReason = document.Reason,
            ReconciledFor = document.Reconciled,
            SchemaVersion = document.SchemaVersion,
            BucketName = bucketName,
            Key = key,
        };
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

    // An image that is not a JSON object (never written by the processor) shows as nothing, as it always has.
    private static OrderedDictionary? Image(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var image = JsonDocument.Parse(json);
        var root = image.RootElement;
        return root.ValueKind == JsonValueKind.Object ? Fill(new AuditImage(json, caseSensitiveKeys: HasNamesDifferingOnlyByCase(root)), root) : null;
    }

    private static DateTimeOffset? FromEpochMilliseconds(string? text)
    {
        // The seed's timestamps are epoch milliseconds; anything outside DateTimeOffset's range stays text only.
        const long MaxMilliseconds = 253402300799999;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= MaxMilliseconds
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
    }
}
