using System.Text.Json;

namespace OrderMonitoring.Processor.Digests;

/// <summary>
/// The JSON pieces every signed document (digests, seals, repair records) reads and writes the same way: optional text
/// fields, and the closing signature or the reason there is none.
/// </summary>
internal static class SignedJson
{
    /// <summary>
    /// Reads a stored signed document with <paramref name="read"/>; throws <see cref="InvalidDataException"/> naming
    /// <paramref name="source"/> when the text is not <paramref name="what"/> (not JSON, not an object, a field missing or of another type).
    /// </summary>
    public static T Parse<T>(string json, string source, string what, Func<JsonElement, T> read)
    {
        try
        {
            using var parsed = JsonDocument.Parse(json);
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source} is not {what} (not a JSON object).");
            }

            return read(parsed.RootElement);
        }
        catch (Exception malformed) when (malformed is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InvalidDataException($"{source} is not {what}: {malformed.Message}", malformed);
        }
    }

    /// <summary>The string value of <paramref name="name"/>, or null when it is absent or not a string.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static void WriteTextOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>The <c>previous</c> link (key and SHA-256) of a chained document (digest, seal); null for the first of its chain.</summary>
    public static DigestLink? ReadPrevious(JsonElement root) =>
        root.GetProperty("previous") is { ValueKind: JsonValueKind.Object } previous
            ? new DigestLink(previous.GetProperty("key").GetString()!, previous.GetProperty("sha256").GetString()!)
            : null;

    /// <summary>Writes the <c>previous</c> link, or null for the first document of its chain.</summary>
    public static void WritePrevious(Utf8JsonWriter writer, DigestLink? previous)
    {
        if (previous is null)
        {
            writer.WriteNull("previous");
            return;
        }

        writer.WriteStartObject("previous");
        writer.WriteString("key", previous.Key);
        writer.WriteString("sha256", previous.Sha256);
        writer.WriteEndObject();
    }

    /// <summary>The <c>signature</c> object of a stored document, or null when it carries none.</summary>
    public static DigestSignature? ReadSignature(JsonElement root) =>
        root.TryGetProperty("signature", out var signature) && signature.ValueKind == JsonValueKind.Object
            ? new DigestSignature(signature.GetProperty("keyId").GetString()!, signature.GetProperty("algorithm").GetString()!, signature.GetProperty("value").GetString()!)
            : null;

    /// <summary>Writes the <c>signature</c> object, or <c>unsigned</c> with the reason (never both: the signed bytes exclude them).</summary>
    public static void WriteSignatureOrReason(Utf8JsonWriter writer, DigestSignature? signature, string? unsignedReason)
    {
        if (signature is not null)
        {
            writer.WriteStartObject("signature");
            writer.WriteString("keyId", signature.KeyId);
            writer.WriteString("algorithm", signature.Algorithm);
            writer.WriteString("value", signature.Value);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteString("unsigned", unsignedReason ?? "not signed");
        }
    }
}
