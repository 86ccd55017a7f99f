namespace OrderMonitoring.Processor.Observability;

/// <summary>
/// Where the processor's log entries go, as data: <see cref="JsonLogger"/> writes them as JSON lines to stdout for
/// Lambda (and CloudWatch Logs); the module turns them into warnings and verbose messages without parsing anything.
/// </summary>
public interface IProcessorLogSink
{
    /// <summary>One entry at or above the configured level; fields in the order the processor gave them.</summary>
    void Write(ProcessorLogLevel level, string message, IReadOnlyList<(string Name, object? Value)> fields);

    /// <summary>One CloudWatch Embedded Metric Format line, to be written unchanged.</summary>
    void WriteMetrics(string emfLine);
}
