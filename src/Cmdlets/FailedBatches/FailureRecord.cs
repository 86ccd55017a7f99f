using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Lambda;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>
/// Lambda's on-failure invocation record for a DynamoDB stream batch (Lambda developer guide, "Retain discarded batch
/// records for a DynamoDB event source"): <c>requestContext</c> (requestId, functionArn, condition,
/// approximateInvokeCount), <c>responseContext</c> (statusCode, executedVersion, functionError), <c>version</c>,
/// <c>timestamp</c>, <c>DDBStreamBatchInfo</c> (shardId, startSequenceNumber, endSequenceNumber,
/// approximateArrivalOfFirstRecord, approximateArrivalOfLastRecord, batchSize, streamArn) and, for an S3 destination
/// only, <c>payload</c>: the whole invocation event (<c>{"Records":[...]}</c>) as a JSON string. SQS and SNS
/// destinations get the same document without the payload.
/// </summary>
internal sealed class FailureRecord
{
    private static readonly JsonSerializerOptions RecordWriteOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string StreamArn { get; init; } = "";

    public string ShardId { get; init; } = "";

    public string StartSequenceNumber { get; init; } = "";

    public string EndSequenceNumber { get; init; } = "";

    public int BatchSize { get; init; }

    public string? Condition { get; init; }

    /// <summary>The batch's records; null when the record carries only the metadata (then they must come from the stream).</summary>
    public IReadOnlyList<StreamRecord>? Records { get; init; }

    /// <summary>The same batch with other records (the stream's own, once they match the payload).</summary>
    public FailureRecord WithRecords(IReadOnlyList<StreamRecord> records) => new()
    {
        StreamArn = StreamArn, ShardId = ShardId, StartSequenceNumber = StartSequenceNumber, EndSequenceNumber = EndSequenceNumber,
        BatchSize = BatchSize, Condition = Condition, Records = records,
    };

    /// <summary>Where the batch lies in the stream.</summary>
    public ShardRange Shard => new(StreamArn, ShardId, StartSequenceNumber, EndSequenceNumber);

    /// <summary>"shard S, sequence numbers A to B": how an error names the batch.</summary>
    public string Range => Shard.Description;

    /// <summary>Reads a failure record; throws <see cref="OrderMonitoringException"/> (FailedBatchUnreadable) for anything else.</summary>
    public static FailureRecord Parse(string source, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = StreamRecord.MaxJsonDepth });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("DDBStreamBatchInfo", out var info) || info.ValueKind != JsonValueKind.Object)
            {
                throw Unreadable(source, "it has no DDBStreamBatchInfo object", null);
            }

            return new FailureRecord
            {
                StreamArn = Text(info, "streamArn") ?? throw Unreadable(source, "DDBStreamBatchInfo has no streamArn", null),
                ShardId = Text(info, "shardId") ?? throw Unreadable(source, "DDBStreamBatchInfo has no shardId", null),
                StartSequenceNumber = Text(info, "startSequenceNumber") ?? throw Unreadable(source, "DDBStreamBatchInfo has no startSequenceNumber", null),
                EndSequenceNumber = Text(info, "endSequenceNumber") ?? throw Unreadable(source, "DDBStreamBatchInfo has no endSequenceNumber", null),
                BatchSize = info.TryGetProperty("batchSize", out var size) && size.TryGetInt32(out var count) ? count : 0,
                Condition = root.TryGetProperty("requestContext", out var request) && request.ValueKind == JsonValueKind.Object ? Text(request, "condition") : null,
                Records = Payload(root),
            };
        }
        catch (JsonException invalid)
        {
            throw Unreadable(source, invalid.Message, invalid);
        }
        catch (InvalidDataException notAnEvent)
        {
            throw Unreadable(source, "its payload is not a DynamoDB stream event: " + notAnEvent.Message, notAnEvent);
        }
    }

    /// <summary>
    /// The document Lambda writes for a failed range: with <c>payload</c> (the records) as its S3 destination stores it,
    /// or without, as its SQS and SNS destinations get it (then <paramref name="records"/> is null).
    /// </summary>
    public static string ToJson(FailedRange range, IReadOnlyList<StreamRecord>? records, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("requestContext");
            writer.WriteString("requestId", Guid.NewGuid().ToString());
            writer.WriteString("functionArn", LocalFunction);
            writer.WriteString("condition", "RetryAttemptsExhausted");
            writer.WriteNumber("approximateInvokeCount", range.RetryAttempts + 1);
            writer.WriteEndObject();
            writer.WriteStartObject("responseContext");
            writer.WriteNumber("statusCode", 200);
            writer.WriteString("executedVersion", "$LATEST");
            writer.WriteString("functionError", "Unhandled");
            writer.WriteEndObject();
            writer.WriteString("version", "1.0");
            writer.WriteString("timestamp", Iso(now));
            writer.WriteStartObject("DDBStreamBatchInfo");
            writer.WriteString("shardId", range.ShardId);
            writer.WriteString("startSequenceNumber", range.StartSequenceNumber);
            writer.WriteString("endSequenceNumber", range.EndSequenceNumber);
            writer.WriteString("approximateArrivalOfFirstRecord", range.FirstArrival is { } first ? Iso(first) : null);
            writer.WriteString("approximateArrivalOfLastRecord", range.LastArrival is { } last ? Iso(last) : null);
            writer.WriteNumber("batchSize", range.BatchSize);
            writer.WriteString("streamArn", range.StreamArn);
            writer.WriteEndObject();
            if (records is not null)
            {
                writer.WriteString("payload", JsonSerializer.Serialize(new { Records = records }, RecordWriteOptions));
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>What the local run names as the function in the records it writes.</summary>
    public const string LocalFunction = "OrderMonitoring:Invoke-OrderEventProcessor";

    private static IReadOnlyList<StreamRecord>? Payload(JsonElement root)
    {
        if (!root.TryGetProperty("payload", out var payload) || payload.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // Lambda writes the event as a JSON string; an object is read the same way (a hand-made or re-encoded record).
        return StreamEvent.ParseRecords(payload.ValueKind == JsonValueKind.String ? payload.GetString()! : payload.GetRawText());
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static OrderMonitoringException Unreadable(string source, string why, Exception? inner) =>
        new("FailedBatchUnreadable", FailureKind.InvalidState, $"'{source}' is not a Lambda on-failure record of a DynamoDB stream batch: {why}. It was not replayed.",
            "Look at the object; a record Lambda wrote has requestContext, DDBStreamBatchInfo and (in S3) payload.", inner);
}
