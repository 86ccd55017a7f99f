using System.Text.Json;
using System.Text.Json.Serialization;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Infrastructure;

namespace OrderMonitoring.Cmdlets.Services.Processing;

/// <summary>Reads a Lambda DynamoDB stream event file (<c>{ "Records": [ ... ] }</c>) and checks every record before anything is processed.</summary>
internal static class StreamEventFile
{
    private const string DynamoDbSource = "aws:dynamodb";

    /// <summary>The records; throws <see cref="OrderMonitoringException"/> (NotAStreamEvent) for anything else.</summary>
    public static IReadOnlyList<StreamRecord> Parse(string path, string json)
    {
        Envelope? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<Envelope>(json);
        }
        catch (JsonException invalid)
        {
            throw NotAStreamEvent(path, $"it is not JSON of the expected shape ({invalid.Message})", invalid);
        }

        var records = parsed?.Records ?? throw NotAStreamEvent(path, "it has no \"Records\" array", null);
        var checkedRecords = new List<StreamRecord>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record is null || !string.Equals(record.EventSource, DynamoDbSource, StringComparison.Ordinal))
            {
                throw NotAStreamEvent(path, $"record {i} has eventSource '{record?.EventSource}', expected '{DynamoDbSource}'", null);
            }

            checkedRecords.Add(record);
        }

        return checkedRecords;
    }

    private static OrderMonitoringException NotAStreamEvent(string path, string why, Exception? inner) =>
        new("NotAStreamEvent", FailureKind.InvalidArgument, $"'{path}' is not a DynamoDB stream event: {why}. Nothing was processed.",
            "Pass a Lambda event for a DynamoDB stream: { \"Records\": [ { \"eventSource\": \"aws:dynamodb\", \"eventName\": \"INSERT\", \"dynamodb\": { ... } } ] }.",
            inner);

    private sealed class Envelope
    {
        [JsonPropertyName("Records")]
        public List<StreamRecord?>? Records { get; set; }
    }
}
