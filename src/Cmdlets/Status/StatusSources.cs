namespace OrderMonitoring.Cmdlets.Status;

/// <summary>Where alarm states come from (CloudWatch DescribeAlarms).</summary>
internal interface IAlarmSource
{
    /// <summary>The alarms with these names that exist (missing names are simply absent).</summary>
    Task<IReadOnlyList<AlarmStatus>> GetByNameAsync(IReadOnlyList<string> names, CancellationToken cancellationToken);

    /// <summary>Every alarm whose name starts with <paramref name="prefix"/>.</summary>
    Task<IReadOnlyList<AlarmStatus>> GetByPrefixAsync(string prefix, CancellationToken cancellationToken);
}

/// <summary>Where the processor's metrics come from (CloudWatch GetMetricData).</summary>
internal interface IMetricSource
{
    /// <summary>Sums and maximums over the window; a metric without datapoints counts as zero.</summary>
    Task<ProcessorMetrics> GetAsync(MetricScope scope, DateTime since, DateTime until, CancellationToken cancellationToken);
}

/// <summary>Where the failure queue's depth comes from (SQS GetQueueAttributes).</summary>
internal interface IQueueDepthSource
{
    /// <summary>Visible and in-flight messages of the queue.</summary>
    Task<QueueDepth> GetAsync(string queueUrl, CancellationToken cancellationToken);
}

/// <summary>What identifies the processor's metrics: the function (AWS/Lambda) and the environment (our EMF namespace).</summary>
internal sealed record MetricScope(string? FunctionName, string Environment);

/// <summary>The processor's numbers over a window, and anything CloudWatch could not answer.</summary>
internal sealed record ProcessorMetrics(double Invocations, double Errors, double RecordsFailed, double RecordsQuarantined,
    double MaxIteratorAgeMs, IReadOnlyList<string> Problems);

/// <summary>Messages waiting and in flight in a queue.</summary>
internal sealed record QueueDepth(int Visible, int InFlight);

/// <summary>Where the processor function's event source mappings come from (Lambda ListEventSourceMappings).</summary>
internal interface IEventSourceMappingSource
{
    /// <summary>Every mapping of the function (empty when it has none).</summary>
    Task<IReadOnlyList<EventSourceMappingStatus>> GetAsync(string functionName, CancellationToken cancellationToken);
}
