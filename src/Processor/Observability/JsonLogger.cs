using System.Globalization;
using System.Text.Json;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Observability;

/// <summary>The Lambda's log sink: one JSON object per line (stdout in Lambda), EMF lines unchanged.</summary>
public sealed class JsonLogger : IProcessorLogSink
{
    private readonly Action<string> _writeLine;
    private readonly TimeProvider _time;

    public JsonLogger(Action<string> writeLine, TimeProvider? time = null)
    {
        _writeLine = writeLine ?? throw new ArgumentNullException(nameof(writeLine));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Reads a level name (DEBUG, INFO, WARN/WARNING, ERROR, any case); INFO when empty or unknown.</summary>
    public static ProcessorLogLevel ParseLevel(string? name) => name?.Trim().ToUpperInvariant() switch
    {
        "DEBUG" or "TRACE" => ProcessorLogLevel.Debug,
        "WARN" or "WARNING" => ProcessorLogLevel.Warn,
        "ERROR" => ProcessorLogLevel.Error,
        _ => ProcessorLogLevel.Info,
    };

    public void Write(ProcessorLogLevel level, string message, IReadOnlyList<(string Name, object? Value)> fields)
    {
        if (fields is null)
        {
            throw new ArgumentNullException(nameof(fields));
        }

        _writeLine(JsonOutput.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", AuditRecord.Iso(_time.GetUtcNow()));
            writer.WriteString("level", level.ToString().ToUpperInvariant());
            writer.WriteString("message", message);
            foreach (var (name, value) in fields)
            {
                WriteField(writer, name, value);
            }

            writer.WriteEndObject();
        }));
    }

    /// <summary>Writes the line as is (EMF metric lines must not be wrapped).</summary>
    public void WriteMetrics(string emfLine) => _writeLine(emfLine);

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
