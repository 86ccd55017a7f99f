namespace OrderMonitoring.Processor.Observability;

/// <summary>What the processor logs through: drops entries below the minimum level, hands the rest to the sink.</summary>
public sealed class ProcessorLog
{
    private readonly IProcessorLogSink _sink;

    public ProcessorLog(IProcessorLogSink sink, ProcessorLogLevel minimumLevel)
    {
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        MinimumLevel = minimumLevel;
    }

    public ProcessorLogLevel MinimumLevel { get; }

    public bool IsEnabled(ProcessorLogLevel level) => level >= MinimumLevel;

    public void Log(ProcessorLogLevel level, string message, params (string Name, object? Value)[] fields)
    {
        if (IsEnabled(level))
        {
            _sink.Write(level, message, fields);
        }
    }

    public void Metrics(string emfLine) => _sink.WriteMetrics(emfLine);
}
