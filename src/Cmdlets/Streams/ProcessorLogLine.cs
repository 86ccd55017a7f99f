using System.Text;
using System.Text.Json;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// One of the processor's JSON log lines, read for a console: warnings and errors (a quarantined record, a failed
/// write) become PowerShell warnings, the rest verbose text, as "message (field=value, ...)" instead of raw JSON.
/// </summary>
internal sealed class ProcessorLogLine
{
    private static readonly HashSet<string> Envelope = new(StringComparer.Ordinal) { "timestamp", "level", "message" };

    private ProcessorLogLine(bool isWarning, string text)
    {
        IsWarning = isWarning;
        Text = text;
    }

    /// <summary>True for WARN and ERROR lines: things the user should see without -Verbose.</summary>
    public bool IsWarning { get; }

    /// <summary>The line for a person.</summary>
    public string Text { get; }

    /// <summary>Reads a line; a line that is not one of the logger's JSON objects (an EMF line, say) stays verbose and verbatim.</summary>
    public static ProcessorLogLine Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String)
            {
                return new ProcessorLogLine(false, line);
            }

            var level = root.TryGetProperty("level", out var levelElement) && levelElement.ValueKind == JsonValueKind.String ? levelElement.GetString() : null;
            var text = new StringBuilder(message.GetString());
            var fields = root.EnumerateObject().Where(property => !Envelope.Contains(property.Name)).ToList();
            if (fields.Count > 0)
            {
                text.Append(" (").Append(string.Join(", ", fields.Select(Describe))).Append(')');
            }

            return new ProcessorLogLine(level is "WARN" or "ERROR", text.ToString());
        }
        catch (JsonException)
        {
            return new ProcessorLogLine(false, line);
        }
    }

    private static string Describe(JsonProperty field) =>
        field.Name + "=" + (field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : field.Value.GetRawText());
}
