using System.Collections.Concurrent;
using System.Globalization;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// The module's log sink for the in-process processor: warnings and errors (a quarantined record, a failed write)
/// become PowerShell warnings, the rest verbose text, as "message (field=value, ...)". A digest warning (one that names
/// a digestKey and a reason, e.g. written unsigned because the key cannot sign) repeats for every batch while its cause
/// lasts: it is shown once per reason, later ones go to verbose, and <see cref="Summarize"/> counts them at the end.
/// </summary>
internal sealed class ProcessorLogReporter : IProcessorLogSink
{
    private const string DigestField = "digestKey";
    private const string ReasonField = "reason";

    private IOperationReporter? _reporter;
    private readonly ConcurrentDictionary<(string Message, string Reason), int> _digestWarnings = new();

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
        if (level >= ProcessorLogLevel.Warn && DigestReason(fields) is { } reason)
        {
            var seen = _digestWarnings.AddOrUpdate((message, reason), 1, (_, count) => count + 1);
            if (seen == 1)
            {
                Reporter?.Warning(text + " Later digests of this run with the same reason are counted in one warning at the end (each one in -Verbose).");
            }
            else
            {
                Reporter?.Verbose(text);
            }
        }
        else if (level >= ProcessorLogLevel.Warn)
        {
            Reporter?.Warning(text);
        }
        else
        {
            Reporter?.Verbose(text);
        }
    }

    public void WriteMetrics(string emfLine) => Reporter?.Verbose(emfLine);

    /// <summary>
    /// The end of a run: one warning per digest warning that repeated ("5 digest(s) of this run: Digest written unsigned;
    /// ... Reason: ..."), through <paramref name="reporter"/>; the counts start again for the next run.
    /// </summary>
    public void Summarize(IOperationReporter reporter)
    {
        foreach (var repeated in _digestWarnings.ToArray().OrderBy(entry => entry.Key.Message, StringComparer.Ordinal))
        {
            if (repeated.Value > 1)
            {
                reporter.Warning($"{repeated.Value} digest(s) of this run: {repeated.Key.Message}. Reason: {repeated.Key.Reason}");
            }
        }

        _digestWarnings.Clear();
    }

    // The reason of a warning about a digest; null for any other warning (a quarantined record names its own reason and is always shown).
    private static string? DigestReason(IReadOnlyList<(string Name, object? Value)> fields) =>
        fields.Any(field => field.Name == DigestField) && fields.FirstOrDefault(field => field.Name == ReasonField).Value is { } reason
            ? Describe(reason)
            : null;

    // The text the JSON logger would have written for the value, without the quotes around a string.
    private static string Describe(object? value) => value switch
    {
        null => "null",
        bool flag => flag ? "true" : "false",
        double number => Math.Round(number, 3).ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
