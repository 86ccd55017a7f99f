using System.Text.Json;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Processor.Lambda;

/// <summary>
/// The Lambda event of a DynamoDB stream mapping: <c>{ "Records": [ ... ] }</c>. The one reader of such events, for the
/// Lambda entry point and for event files the module processes in-process.
/// </summary>
/// <remarks>
/// Only an event that is not a stream event at all throws: not a JSON object, no "Records" array, or records none of
/// which says it comes from DynamoDB. Otherwise each record is read on its own: one that cannot be used
/// (see <see cref="StreamRecord.Defect"/>) stays in its place, so the processor quarantines it and the rest proceeds.
/// </remarks>
public static class StreamEvent
{
    private const string DynamoDbSource = "aws:dynamodb";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = StreamRecord.MaxJsonDepth };

    /// <summary>Reads and checks the event; anything that is not a DynamoDB stream event throws <see cref="InvalidDataException"/>.</summary>
    public static async Task<IReadOnlyList<StreamRecord>> ReadRecordsAsync(Stream input, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(input, DocumentOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException invalid)
        {
            throw NotJson(invalid);
        }

        using (document)
        {
            return ReadRecords(document.RootElement);
        }
    }

    /// <summary>The same as <see cref="ReadRecordsAsync"/>, for event text already in memory.</summary>
    public static IReadOnlyList<StreamRecord> ParseRecords(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException invalid)
        {
            throw NotJson(invalid);
        }

        using (document)
        {
            return ReadRecords(document.RootElement);
        }
    }

    private static InvalidDataException NotJson(JsonException invalid) =>
        new($"The event is not a DynamoDB stream event: it is not a JSON object of the expected shape ({invalid.Message}).", invalid);

    private static IReadOnlyList<StreamRecord> ReadRecords(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"The event is not a DynamoDB stream event: it is a JSON {Kind(root)}, not a JSON object with a \"Records\" array.");
        }

        if (!root.TryGetProperty("Records", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("The event is not a DynamoDB stream event: it has no \"Records\" array. This function must be triggered by a DynamoDB stream event source mapping.");
        }

        var records = new List<StreamRecord>(array.GetArrayLength());
        foreach (var element in array.EnumerateArray())
        {
            var record = StreamRecordJson.Read(element);
            if (record.Defect is null && !IsFromDynamoDb(record))
            {
                record.Defect = new StreamRecordDefect(element.GetRawText(), record.EventSource is null
                    ? $"the record has no eventSource; a DynamoDB stream record says '{DynamoDbSource}'"
                    : $"the record's eventSource '{record.EventSource}' is not '{DynamoDbSource}'");
            }

            records.Add(record);
        }

        RefuseOtherServicesEvents(records);
        return records;
    }

    /// <summary>
    /// Lambda never mixes event sources in one event, so records none of which says it comes from DynamoDB mean the
    /// function is wired to the wrong source (or handed something else): quarantining every record would only hide that.
    /// </summary>
    private static void RefuseOtherServicesEvents(List<StreamRecord> records)
    {
        if (records.Count == 0 || records.Exists(IsFromDynamoDb))
        {
            return;
        }

        var first = records[0];
        throw new InvalidDataException(first.EventSource is { } source
            ? $"The event is not a DynamoDB stream event: record 0 has eventSource '{source}', expected '{DynamoDbSource}'."
            : $"The event is not a DynamoDB stream event: no record says eventSource '{DynamoDbSource}'; record 0: {first.Defect?.Reason}.");
    }

    private static bool IsFromDynamoDb(StreamRecord record) => string.Equals(record.EventSource, DynamoDbSource, StringComparison.Ordinal);

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
