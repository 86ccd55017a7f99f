using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// The SDK's attribute values as typed DynamoDB JSON (<c>{"S":"x"}</c>, <c>{"N":"1.50"}</c>, ...): the form stream
/// records carry, so one converter (the processor's) turns both into the audit document's plain JSON.
/// </summary>
internal static class DynamoDbItemJson
{
    /// <summary>An item (or a key) as typed JSON text.</summary>
    public static string Write(Dictionary<string, AttributeValue> item)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteMap(writer, item);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteMap(Utf8JsonWriter writer, Dictionary<string, AttributeValue> map)
    {
        writer.WriteStartObject();
        foreach (var attribute in map)
        {
            writer.WritePropertyName(attribute.Key);
            WriteValue(writer, attribute.Value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, AttributeValue value)
    {
        writer.WriteStartObject();
        if (value.S is not null)
        {
            writer.WriteString("S", value.S);
        }
        else if (value.N is not null)
        {
            writer.WriteString("N", value.N);
        }
        else if (value.B is not null)
        {
            writer.WriteString("B", Convert.ToBase64String(value.B.ToArray()));
        }
        else if (value.BOOL is { } flag)
        {
            writer.WriteBoolean("BOOL", flag);
        }
        else if (value.NULL == true)
        {
            writer.WriteBoolean("NULL", true);
        }
        else if (value.SS is { Count: > 0 } strings)
        {
            WriteStrings(writer, "SS", strings);
        }
        else if (value.NS is { Count: > 0 } numbers)
        {
            WriteStrings(writer, "NS", numbers);
        }
        else if (value.BS is { Count: > 0 } binaries)
        {
            WriteStrings(writer, "BS", binaries.Select(b => Convert.ToBase64String(b.ToArray())));
        }
        else if (value.M is not null)
        {
            writer.WritePropertyName("M");
            WriteMap(writer, value.M);
        }
        else
        {
            // The SDK leaves L null for an absent list and empty for an empty one; either way it is a list here.
            writer.WriteStartArray("L");
            foreach (var element in value.L ?? new List<AttributeValue>())
            {
                WriteValue(writer, element);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string type, IEnumerable<string> values)
    {
        writer.WriteStartArray(type);
        foreach (var text in values)
        {
            writer.WriteStringValue(text);
        }

        writer.WriteEndArray();
    }
}
