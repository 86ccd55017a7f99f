using OrderMonitoring.Processor.Observability;

namespace OrderMonitoring.Processor.Batch;

/// <summary>Settings of a <see cref="BatchProcessor"/>; the defaults suit Lambda.</summary>
public sealed class BatchProcessorOptions
{
    /// <summary>Written into every audit record and used as the metric dimension.</summary>
    public string Environment { get; init; } = "unknown";

    /// <summary>How many orders are processed at once (records of one order always run one after another).</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>
    /// Extra attempts for a failed store write or publish, before the record is reported as failed: the one retry
    /// layer of a processor call (<see cref="ProcessorServices"/> builds its S3 and SNS clients without retries of
    /// their own, so attempts never multiply under throttling). Three, like the SDK's standard retry mode.
    /// </summary>
    public int RetryAttempts { get; init; } = 3;

    /// <summary>First retry delay; later ones grow exponentially with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public ProcessorLogLevel LogLevel { get; init; } = ProcessorLogLevel.Info;

    /// <summary>What an alert carries: a summary pointing at the audit object (the default) or the whole record.</summary>
    public Alerts.AlertDetail AlertDetail { get; init; } = Alerts.AlertDetail.Summary;

    /// <summary>Receives each log entry at or above <see cref="LogLevel"/> (and the EMF line); JSON lines on stdout when null.</summary>
    public IProcessorLogSink? LogSink { get; init; }

    /// <summary>Whether to write the per-batch EMF metrics line to the log sink.</summary>
    public bool EmitMetrics { get; init; } = true;

    /// <summary>
    /// How long one batch may take, its report included (the function timeout in Lambda); null for no limit. Records
    /// not finished in time are reported for retry instead of the invocation being killed.
    /// </summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>How long one store write or publish attempt may take before it counts as a (retryable) timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The processor's one clock: processedAt, durations, the deadline, retry backoff, log timestamps and the lag
    /// metric. The system clock unless a caller (a test, the module) passes its own.
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
