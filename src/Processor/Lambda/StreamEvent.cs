using System.Text.Json;
using System.Text.Json.Serialization;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Processor.Lambda;

/// <summary>The Lambda event of a DynamoDB stream mapping: <c>{ "Records": [ ... ] }</c>.</summary>
internal sealed class StreamEvent
{
    private const string DynamoDbSource = "aws:dynamodb";

    private static readonly JsonSerializerOptions ReadOptions = new() { MaxDepth = StreamRecord.MaxJsonDepth };

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
            throw new InvalidDataException($"The event is not a DynamoDB stream event: it is not a JSON object of the expected shape ({invalid.Message}).", invalid);
        }

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
