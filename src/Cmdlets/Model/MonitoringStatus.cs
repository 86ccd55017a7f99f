namespace OrderMonitoring;

/// <summary>The health of one environment: its alarms, its failure queue and the processor's metrics over a window.</summary>
public sealed class MonitoringStatus
{
    /// <summary>Environment suffix.</summary>
    public string Environment { get; init; } = "";

    /// <summary>CloudFormation stack name.</summary>
    public string StackName { get; init; } = "";

    /// <summary>CloudFormation status of the stack.</summary>
    public string StackStatus { get; init; } = "";

    /// <summary>Region of the stack.</summary>
    public string Region { get; init; } = "";

    /// <summary>True when nothing needs attention; see <see cref="Reasons"/> otherwise.</summary>
    public bool Healthy { get; init; }

    /// <summary>Why the environment is not healthy (empty when it is).</summary>
    public IReadOnlyList<string> Reasons { get; init; } = Array.Empty<string>();

    /// <summary>What could not be checked or looks odd without making the environment unhealthy.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>Each of the stack's alarms and its state.</summary>
    public IReadOnlyList<AlarmStatus> Alarms { get; init; } = Array.Empty<AlarmStatus>();

    /// <summary>Messages waiting in the failure queue (stream batches the processor gave up on).</summary>
    public int FailureQueueDepth { get; init; }

    /// <summary>Failure-queue messages received by someone and not yet deleted.</summary>
    public int FailureQueueInFlight { get; init; }

    /// <summary>Failed batches kept in the failed-batches bucket and not yet replayed (Invoke-OrderEventProcessor -FailedBatches).</summary>
    public int FailedBatchesPending { get; init; }

    /// <summary>Start of the metrics window (UTC).</summary>
    public DateTime Since { get; init; }

    /// <summary>End of the metrics window (UTC).</summary>
    public DateTime Until { get; init; }

    /// <summary>Processor invocations in the window.</summary>
    public double Invocations { get; init; }

    /// <summary>Processor invocations that failed in the window.</summary>
    public double Errors { get; init; }

    /// <summary>Stream records the processor could not process (retried, then sent to the failure queue).</summary>
    public double RecordsFailed { get; init; }

    /// <summary>Stream records the processor could not audit and put under quarantine/ in the audit bucket.</summary>
    public double RecordsQuarantined { get; init; }

    /// <summary>The largest iterator age in the window, in milliseconds: how far the processor lagged the stream.</summary>
    public double MaxIteratorAgeMs { get; init; }

    /// <summary>Environment and verdict, for logs.</summary>
    public override string ToString() => $"{Environment}: {(Healthy ? "healthy" : "unhealthy: " + string.Join("; ", Reasons))}";
}

/// <summary>One CloudWatch alarm and its state.</summary>
public sealed class AlarmStatus
{
    /// <summary>Alarm name.</summary>
    public string Name { get; init; } = "";

    /// <summary>OK, ALARM or INSUFFICIENT_DATA.</summary>
    public string State { get; init; } = "";

    /// <summary>CloudWatch's reason for the state.</summary>
    public string? Reason { get; init; }

    /// <summary>When the state last changed (UTC).</summary>
    public DateTime? Since { get; init; }

    /// <summary>Name and state, for logs.</summary>
    public override string ToString() => $"{Name} ({State})";
}
