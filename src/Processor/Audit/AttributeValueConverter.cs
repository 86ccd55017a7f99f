using System.Text.Json;

namespace OrderMonitoring.Processor.Audit;

/// <summary>
/// Turns typed DynamoDB JSON (<c>{"S":"x"}</c>, <c>{"N":"1"}</c>, ...) into plain JSON: numbers keep their exact
/// digits (raw JSON numbers, or strings when the text is not valid JSON number syntax), binary stays base64,
/// sets become arrays, maps and lists nest. Malformed values throw <see cref="FormatException"/> naming the attribute.
/// </summary>
public static class AttributeValueConverter
{
    /// <summary>Writes an item image (attribute name -> typed value) as a plain JSON object.</summary>
    public static void WriteItem(Utf8JsonWriter writer, JsonElement item) => WriteMap(writer, item, path: string.Empty);

    /// <summary>Converts an item image to a plain JSON string.</summary>
    public static string ConvertItem(JsonElement item) => JsonOutput.Write(writer => WriteItem(writer, item));

    /// <summary>Reads an <c>S</c> attribute; null when absent or NULL, throws when it has another type.</summary>
    internal static string? ReadString(JsonElement item, string name)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("NULL", out _))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("S", out var s) && s.ValueKind == JsonValueKind.String)
        {
            return s.GetString();
        }

        throw new FormatException($"attribute '{name}' is not a string (S) attribute");
    }

    /// <summary>Reads an <c>N</c> attribute's text; null when absent, throws when it has another type.</summary>
    internal static string? ReadNumberText(JsonElement item, string name)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("N", out var n) && n.ValueKind == JsonValueKind.String)
        {
            return n.GetString();
        }

        throw new FormatException($"attribute '{name}' is not a number (N) attribute");
    }

    private static void WriteMap(Utf8JsonWriter writer, JsonElement map, string path)
    {
        if (map.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{Describe(path, "the image")} must be a JSON object of attributes");
        }

        writer.WriteStartObject();
        foreach (var attribute in map.EnumerateObject())
        {
            writer.WritePropertyName(attribute.Name);
            WriteValue(writer, attribute.Value, path.Length == 0 ? attribute.Name : path + "." + attribute.Name);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonElement value, string path)
    {
        var (type, content) = SingleDescriptor(value, path);
        switch (type)
        {
            case "S":
                writer.WriteStringValue(RequireString(content, path));
                break;
            case "N":
                WriteNumber(writer, RequireString(content, path), path);
                break;
            case "B":
                writer.WriteStringValue(RequireBase64(content, path));
                break;
            case "BOOL":
                writer.WriteBooleanValue(content.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new FormatException($"{Describe(path)} BOOL must be true or false"),
                });
                break;
            case "NULL":
                writer.WriteNullValue();
                break;
            case "SS":
            case "NS":
            case "BS":
                WriteSet(writer, type, content, path);
                break;
            case "L":
                WriteList(writer, content, path);
                break;
            case "M":
                WriteMap(writer, content, path);
                break;
            default:
                throw new FormatException($"{Describe(path)} has unknown type '{type}'");
        }
    }

    private static (string Type, JsonElement Content) SingleDescriptor(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{Describe(path)} must be a typed value such as {{\"S\":\"...\"}}");
        }

        JsonProperty? only = null;
        foreach (var descriptor in value.EnumerateObject())
        {
            if (only is not null)
            {
                throw new FormatException($"{Describe(path)} has more than one type descriptor");
            }

            only = descriptor;
        }

        return only is { } found
            ? (found.Name, found.Value)
            : throw new FormatException($"{Describe(path)} has no type descriptor");
    }

    private static void WriteSet(Utf8JsonWriter writer, string type, JsonElement content, string path)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{Describe(path)} {type} must be an array");
        }

        writer.WriteStartArray();
        foreach (var member in content.EnumerateArray())
        {
            var text = RequireString(member, path);
            switch (type)
            {
                case "SS":
                    writer.WriteStringValue(text);
                    break;
                case "NS":
                    WriteNumber(writer, text, path);
                    break;
                default:
                    writer.WriteStringValue(RequireBase64(member, path));
                    break;
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteList(Utf8JsonWriter writer, JsonElement content, string path)
    {
        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{Describe(path)} L must be an array");
        }

        writer.WriteStartArray();
        var index = 0;
        foreach (var member in content.EnumerateArray())
        {
            WriteValue(writer, member, $"{path}[{index++}]");
        }

        writer.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string text, string path)
    {
        if (DynamoNumber.IsJsonNumber(text))
        {
            writer.WriteRawValue(text, skipInputValidation: true);
        }
        else if (DynamoNumber.IsNumber(text))
        {
            // Valid for DynamoDB ("+5", ".5") but not JSON: keep the exact text as a string rather than reformat it.
            writer.WriteStringValue(text);
        }
        else
        {
            throw new FormatException($"{Describe(path)} is not a number: '{text}'");
        }
    }

    private static string RequireString(JsonElement content, string path) =>
        content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : throw new FormatException($"{Describe(path)} must hold a JSON string");

    private static string RequireBase64(JsonElement content, string path) =>
        content.ValueKind == JsonValueKind.String && content.TryGetBytesFromBase64(out _)
            ? content.GetString()!
            : throw new FormatException($"{Describe(path)} must hold base64 binary");

    private static string Describe(string path, string fallback = "a value") =>
        path.Length == 0 ? fallback : $"attribute '{path}'";
}
