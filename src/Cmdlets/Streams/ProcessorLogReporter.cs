using System.Globalization;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// The module's log sink for the in-process processor: warnings and errors (a quarantined record, a failed write)
/// become PowerShell warnings, the rest verbose text, as "message (field=value, ...)".
/// </summary>
internal sealed class ProcessorLogReporter : IProcessorLogSink
{
    private IOperationReporter? _reporter;

    /// <summary>
    /// The reporter of the async run in progress. The processor logs from worker threads; each run has its own
    /// reporter, which moves the messages onto the pipeline thread.
    /// </summary>
    public IOperationReporter? Reporter
    {
        get => Volatile.Read(ref _reporter);
        set => Volatile.Write(ref _reporter, value);
    }

    public void Write(ProcessorLogLevel level, string message, IReadOnlyList<(string Name, object? Value)> fields)
    {
        var text = fields.Count == 0 ? message : $"{message} ({string.Join(", ", fields.Select(field => field.Name + "=" + Describe(field.Value)))})";
        if (level >= ProcessorLogLevel.Warn)
        {
            Reporter?.Warning(text);
        }
        else
        {
            Reporter?.Verbose(text);
        }
    }

    public void WriteMetrics(string emfLine) => Reporter?.Verbose(emfLine);

    // The text the JSON logger would have written for the value, without the quotes around a string.
    private static string Describe(object? value) => value switch
    {
        null => "null",
        bool flag => flag ? "true" : "false",
        double number => Math.Round(number, 3).ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
