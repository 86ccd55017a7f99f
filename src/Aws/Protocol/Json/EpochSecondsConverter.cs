using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderMonitoring.Aws.Protocol.Json;

/// <summary>AWS JSON timestamps are epoch seconds (possibly fractional); exposed as UTC <see cref="DateTime"/> like the SDK does.</summary>
internal sealed class EpochSecondsConverter : JsonConverter<DateTime?>
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => Epoch.AddTicks((long)(reader.GetDouble() * TimeSpan.TicksPerSecond)),
        JsonTokenType.String => DateTime.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal),
        _ => throw new JsonException($"Expected epoch seconds, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteNumberValue((value.Value.ToUniversalTime() - Epoch).TotalSeconds);
    }
}
