using System.Globalization;
using System.Text.Json;

namespace OrderMonitoring.Processor.Audit;

/// <summary>
/// One field of <see cref="AuditDocument"/>: its JSON name, the kinds of document that carry it, and how its value is
/// written and read back. Reading is lenient (a value of another JSON type reads as its text) so a hand-edited or
/// foreign object still shows what it holds.
/// </summary>
internal sealed class AuditField
{
    private readonly Action<Utf8JsonWriter, AuditDocument> _write;
    private readonly Func<AuditDocument, JsonElement, AuditDocument> _read;
    private readonly Func<AuditDocument, bool> _writtenWhen;

    private AuditField(string name, IReadOnlyCollection<AuditDocumentKind> kinds, Action<Utf8JsonWriter, AuditDocument> write,
        Func<AuditDocument, JsonElement, AuditDocument> read, Func<AuditDocument, bool>? writtenWhen)
    {
        Name = name;
        Kinds = kinds;
        _write = write;
        _read = read;
        _writtenWhen = writtenWhen ?? (_ => true);
    }

    public string Name { get; }

    public IReadOnlyCollection<AuditDocumentKind> Kinds { get; }

    public bool IsWritten(AuditDocument document) => _writtenWhen(document);

    public void Write(Utf8JsonWriter writer, AuditDocument document) => _write(writer, document);

    public AuditDocument Read(AuditDocument document, JsonElement value) => _read(document, value);

    /// <summary>A string (null when absent).</summary>
    public static AuditField Text(string name, AuditDocumentKind[] kinds, Func<AuditDocument, string?> get, Func<AuditDocument, string?, AuditDocument> set,
        Func<AuditDocument, bool>? writtenWhen = null) =>
        new(name, kinds, (writer, d) => writer.WriteStringValue(get(d)), (d, value) => set(d, TextOf(value)), writtenWhen);

    /// <summary>A whole number.</summary>
    public static AuditField Number(string name, AuditDocumentKind[] kinds, Func<AuditDocument, int?> get, Func<AuditDocument, int?, AuditDocument> set) =>
        new(name, kinds, (writer, d) => WriteNumberOrNull(writer, get(d)), (d, value) => set(d, value.TryGetInt32(out var number) ? number : null), null);

    /// <summary>Text that is written as a JSON number when it is one (every digit kept), else as a string.</summary>
    public static AuditField NumberOrText(string name, AuditDocumentKind[] kinds, Func<AuditDocument, string?> get, Func<AuditDocument, string?, AuditDocument> set) =>
        new(name, kinds, (writer, d) => WriteNumberOrText(writer, get(d)), (d, value) => set(d, TextOf(value)), null);

    /// <summary>A point in time, written as ISO 8601 UTC with milliseconds.</summary>
    public static AuditField Time(string name, AuditDocumentKind[] kinds, Func<AuditDocument, DateTimeOffset?> get,
        Func<AuditDocument, DateTimeOffset?, AuditDocument> set) =>
        new(name, kinds, (writer, d) => writer.WriteStringValue(get(d) is { } time ? AuditDocument.Iso(time) : null), (d, value) => set(d, TimeOf(value)), null);

    /// <summary>A JSON value kept as its exact text.</summary>
    public static AuditField Json(string name, AuditDocumentKind[] kinds, Func<AuditDocument, string?> get, Func<AuditDocument, string?, AuditDocument> set,
        Func<AuditDocument, bool>? writtenWhen = null) =>
        new(name, kinds, (writer, d) => WriteRawOrNull(writer, get(d)), (d, value) => set(d, RawOf(value)), writtenWhen);

    /// <summary>A JSON value kept as its exact text, or a string note written in its place.</summary>
    public static AuditField JsonOrNote(string name, AuditDocumentKind[] kinds, Func<AuditDocument, (string? Json, string? Note)> get,
        Func<AuditDocument, string?, string?, AuditDocument> set) =>
        new(name, kinds, (writer, d) => WriteJsonOrNote(writer, get(d)), (d, value) => value.ValueKind == JsonValueKind.String
            ? set(d, null, value.GetString())
            : set(d, RawOf(value), null), null);

    private static string? TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    private static string? RawOf(JsonElement value) => value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : value.GetRawText();

    private static DateTimeOffset? TimeOf(JsonElement value) =>
        TextOf(value) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    private static void WriteNumberOrNull(Utf8JsonWriter writer, int? number)
    {
        if (number is { } value)
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WriteNumberOrText(Utf8JsonWriter writer, string? text)
    {
        if (text is not null && DynamoNumber.IsJsonNumber(text))
        {
            writer.WriteRawValue(text, skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    private static void WriteRawOrNull(Utf8JsonWriter writer, string? json)
    {
        if (json is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(json, skipInputValidation: true);
        }
    }

    private static void WriteJsonOrNote(Utf8JsonWriter writer, (string? Json, string? Note) value)
    {
        if (value.Note is { } note)
        {
            writer.WriteStringValue(note);
        }
        else
        {
            WriteRawOrNull(writer, value.Json);
        }
    }
}
