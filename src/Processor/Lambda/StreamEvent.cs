using System.Text.Json;
using System.Text.Json.Serialization;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Processor.Lambda;

/// <summary>
/// The Lambda event of a DynamoDB stream mapping: <c>{ "Records": [ ... ] }</c>. The one reader of such events, for the
/// Lambda entry point and for event files the module processes in-process.
/// </summary>
public sealed class StreamEvent
{
    private const string DynamoDbSource = "aws:dynamodb";

    private static readonly JsonSerializerOptions ReadOptions = new() { MaxDepth = StreamRecord.MaxJsonDepth };

    /// <summary>The records as the event carries them.</summary>
    [JsonPropertyName("Records")]
    public List<StreamRecord?>? Records { get; set; }

    /// <summary>Reads and checks the event; anything that is not a DynamoDB stream event throws <see cref="InvalidDataException"/>.</summary>
    public static async Task<IReadOnlyList<StreamRecord>> ReadRecordsAsync(Stream input, CancellationToken cancellationToken)
    {
        StreamEvent? parsed;
        try
        {
            parsed = await JsonSerializer.DeserializeAsync<StreamEvent>(input, ReadOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException invalid)
        {
            throw NotJson(invalid);
        }

        return Checked(parsed);
    }

    /// <summary>The same as <see cref="ReadRecordsAsync"/>, for event text already in memory.</summary>
    public static IReadOnlyList<StreamRecord> ParseRecords(string json)
    {
        StreamEvent? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<StreamEvent>(json, ReadOptions);
        }
        catch (JsonException invalid)
        {
            throw NotJson(invalid);
        }

        return Checked(parsed);
    }

    private static InvalidDataException NotJson(JsonException invalid) =>
        new($"The event is not a DynamoDB stream event: it is not a JSON object of the expected shape ({invalid.Message}).", invalid);

    private static IReadOnlyList<StreamRecord> Checked(StreamEvent? parsed)
    {
        var records = parsed?.Records
            ?? throw new InvalidDataException("The event is not a DynamoDB stream event: it has no \"Records\" array. This function must be triggered by a DynamoDB stream event source mapping.");
        var checkedRecords = new List<StreamRecord>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record is null || !string.Equals(record.EventSource, DynamoDbSource, StringComparison.Ordinal))
            {
                throw new InvalidDataException(
                    $"The event is not a DynamoDB stream event: record {i} has eventSource '{record?.EventSource}', expected '{DynamoDbSource}'.");
            }

            checkedRecords.Add(record);
        }

        return checkedRecords;
    }
}
