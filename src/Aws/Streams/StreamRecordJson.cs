using System.Text.Json;

namespace OrderMonitoring.Aws.Streams;

/// <summary>
/// Reads one stream record from its JSON without ever throwing: a record that does not fit <see cref="StreamRecord"/>
/// (a member of the wrong JSON type, not an object at all) comes back with a <see cref="StreamRecord.Defect"/> and
/// whatever members could still be read, so one bad record never stops the records around it.
/// </summary>
public static class StreamRecordJson
{
    private static readonly JsonSerializerOptions ReadOptions = new() { MaxDepth = StreamRecord.MaxJsonDepth };

    /// <summary>The record; the element need not outlive the call (nothing returned refers to it).</summary>
    public static StreamRecord Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            var kind = element.ValueKind.ToString().ToLowerInvariant();
            return new StreamRecord { Defect = new StreamRecordDefect(element.GetRawText(), $"the record is a JSON {kind}, not an object") };
        }

        try
        {
            // JsonElement members of the result are copies, independent of the element's document.
            return element.Deserialize<StreamRecord>(ReadOptions)!;
        }
        catch (Exception unreadable) when (unreadable is JsonException or InvalidOperationException)
        {
            // JsonException names the member (its Path); InvalidOperationException is text that is not valid UTF-16.
            return Salvage(element, $"the record cannot be read as a stream record: {unreadable.Message}");
        }
    }

    /// <summary>Each member that has the expected JSON type, read on its own; the rest is left out.</summary>
    private static StreamRecord Salvage(JsonElement element, string reason)
    {
        var record = new StreamRecord
        {
            EventId = StringMember(element, "eventID"),
            EventName = StringMember(element, "eventName"),
            EventVersion = StringMember(element, "eventVersion"),
            EventSource = StringMember(element, "eventSource"),
            AwsRegion = StringMember(element, "awsRegion"),
            EventSourceArn = StringMember(element, "eventSourceARN"),
            Defect = new StreamRecordDefect(element.GetRawText(), reason),
        };
        if (ObjectMember(element, "dynamodb") is { } data)
        {
            record.Dynamodb = new StreamRecordData
            {
                ApproximateCreationDateTime = Member(data, "ApproximateCreationDateTime"),
                Keys = Member(data, "Keys"),
                NewImage = Member(data, "NewImage"),
                OldImage = Member(data, "OldImage"),
                SequenceNumber = StringMember(data, "SequenceNumber"),
                StreamViewType = StringMember(data, "StreamViewType"),
            };
        }

        if (ObjectMember(element, "userIdentity") is { } identity)
        {
            record.UserIdentity = new StreamUserIdentity { Type = StringMember(identity, "type"), PrincipalId = StringMember(identity, "principalId") };
        }

        return record;
    }

    private static JsonElement? Member(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value.Clone() : null;

    private static JsonElement? ObjectMember(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? StringMember(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            // Not valid UTF-16 (a lone surrogate escape): left out like any other unusable member.
            return null;
        }
    }
}
