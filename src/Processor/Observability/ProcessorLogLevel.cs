namespace OrderMonitoring.Processor.Observability;

/// <summary>Log levels, from most to least detailed (the <c>LOG_LEVEL</c> setting).</summary>
public enum ProcessorLogLevel
{
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}
