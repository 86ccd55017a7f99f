using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderMonitoring.Aws.Streams;

/// <summary>
/// One DynamoDB stream record, in the shape both DynamoDB Streams' GetRecords and a Lambda stream event use,
/// so a record read from the stream and a record handed over by Lambda go through the same processor code.
/// Attribute maps stay as raw DynamoDB JSON (<see cref="JsonElement"/>) so numbers keep every digit.
/// </summary>
public sealed class StreamRecord
{
    /// <summary>
    /// The JSON depth readers and writers of stream records must allow. DynamoDB nests maps and lists up to 32 levels
    /// and typed JSON spends two JSON levels on each, below the event's own levels: System.Text.Json's default of 64
    /// would reject legal items (and with them the whole batch).
    /// </summary>
    public const int MaxJsonDepth = 256;

    [JsonPropertyName("eventID")]
    public string? EventId { get; set; }

    /// <summary>INSERT, MODIFY or REMOVE.</summary>
    [JsonPropertyName("eventName")]
    public string? EventName { get; set; }

    [JsonPropertyName("eventVersion")]
    public string? EventVersion { get; set; }

    /// <summary><c>aws:dynamodb</c> for a DynamoDB stream record.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }

    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; set; }

    /// <summary>Present in Lambda events only.</summary>
    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; set; }

    [JsonPropertyName("dynamodb")]
    public StreamRecordData? Dynamodb { get; set; }

    /// <summary>Set when the service itself made the change, e.g. a TTL deletion.</summary>
    [JsonPropertyName("userIdentity")]
    public StreamUserIdentity? UserIdentity { get; set; }

    /// <summary>Members this type does not model, kept so a record can be stored whole (e.g. in quarantine).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalMembers { get; set; }

    /// <summary>
    /// Set when the record as received cannot be processed as a stream record (see <see cref="StreamRecordJson.Read"/>);
    /// the other members then hold only what could still be read, for logs, keys and alerts.
    /// </summary>
    [JsonIgnore]
    public StreamRecordDefect? Defect { get; set; }
}

/// <summary>Why a received record is not a usable stream record, with its text exactly as received.</summary>
public sealed class StreamRecordDefect
{
    public StreamRecordDefect(string receivedJson, string reason)
    {
        ReceivedJson = receivedJson;
        Reason = reason;
    }

    /// <summary>The record's JSON text as it came, so it can be stored whole.</summary>
    public string ReceivedJson { get; }

    public string Reason { get; }
}

/// <summary>The <c>dynamodb</c> part of a stream record.</summary>
public sealed class StreamRecordData
{
    /// <summary>Epoch seconds; may carry a fraction. Kept raw so no precision is lost on the way.</summary>
    [JsonPropertyName("ApproximateCreationDateTime")]
    public JsonElement? ApproximateCreationDateTime { get; set; }

    [JsonPropertyName("Keys")]
    public JsonElement? Keys { get; set; }

    [JsonPropertyName("NewImage")]
    public JsonElement? NewImage { get; set; }

    [JsonPropertyName("OldImage")]
    public JsonElement? OldImage { get; set; }

    /// <summary>A decimal string; unique and increasing within a shard.</summary>
    [JsonPropertyName("SequenceNumber")]
    public string? SequenceNumber { get; set; }

    [JsonPropertyName("SizeBytes")]
    public long? SizeBytes { get; set; }

    /// <summary>KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES.</summary>
    [JsonPropertyName("StreamViewType")]
    public string? StreamViewType { get; set; }

    /// <summary>Members this type does not model, kept so a record can be stored whole (e.g. in quarantine).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalMembers { get; set; }
}

/// <summary>Who made a change when it was not a caller: <c>{ "type": "Service", "principalId": "dynamodb.amazonaws.com" }</c>.</summary>
public sealed class StreamUserIdentity
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("principalId")]
    public string? PrincipalId { get; set; }

    /// <summary>Members this type does not model, kept so a record can be stored whole (e.g. in quarantine).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalMembers { get; set; }
}
