using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderMonitoring.Processor.Audit;

/// <summary>
/// Writes a <see cref="JsonElement"/> exactly as it was received. The default converter decodes every string and
/// throws on text that is not valid UTF-16 (a lone surrogate escape), which would stop a malformed record from
/// being quarantined whole.
/// </summary>
internal sealed class RawJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) =>
        // The text came from a parsed document, so it is valid JSON already.
        writer.WriteRawValue(value.GetRawText(), skipInputValidation: true);
}
