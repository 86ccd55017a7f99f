using System.Globalization;
using System.Text.Json;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Observability;

/// <summary>Writes one JSON object per line to a sink (stdout in Lambda, anything the module chooses in-process).</summary>
public sealed class JsonLogger
{
    private readonly Action<string> _sink;

    public JsonLogger(Action<string> sink, ProcessorLogLevel minimumLevel)
    {
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        MinimumLevel = minimumLevel;
    }

    public ProcessorLogLevel MinimumLevel { get; }

    /// <summary>Reads a level name (DEBUG, INFO, WARN/WARNING, ERROR, any case); INFO when empty or unknown.</summary>
    public static ProcessorLogLevel ParseLevel(string? name) => name?.Trim().ToUpperInvariant() switch
    {
        "DEBUG" or "TRACE" => ProcessorLogLevel.Debug,
        "WARN" or "WARNING" => ProcessorLogLevel.Warn,
        "ERROR" => ProcessorLogLevel.Error,
        _ => ProcessorLogLevel.Info,
    };

    public bool IsEnabled(ProcessorLogLevel level) => level >= MinimumLevel;

    public void Log(ProcessorLogLevel level, string message, params (string Name, object? Value)[] fields)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        _sink(JsonOutput.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", AuditRecord.Iso(DateTimeOffset.UtcNow));
            writer.WriteString("level", level.ToString().ToUpperInvariant());
            writer.WriteString("message", message);
            foreach (var (name, value) in fields)
            {
                WriteField(writer, name, value);
            }

            writer.WriteEndObject();
        }));
    }

    /// <summary>Writes a line as is (EMF metric lines must not be wrapped).</summary>
    public void WriteRaw(string line) => _sink(line);

    private static void WriteField(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(name);
                break;
            case int i:
                writer.WriteNumber(name, i);
                break;
            case long l:
                writer.WriteNumber(name, l);
                break;
            case double d:
                writer.WriteNumber(name, Math.Round(d, 3));
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            default:
                writer.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
