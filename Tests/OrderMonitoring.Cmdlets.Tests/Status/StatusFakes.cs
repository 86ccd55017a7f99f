using OrderMonitoring.Cmdlets.Status;

namespace OrderMonitoring.Cmdlets.Tests.Status;

/// <summary>Alarm states held in memory, answered by name or prefix like DescribeAlarms.</summary>
internal sealed class FakeAlarms : IAlarmSource
{
    public List<AlarmStatus> Alarms { get; } = new();

    public List<string> Requests { get; } = new();

    public void Add(string name, string state, string? reason = null) => Alarms.Add(new AlarmStatus { Name = name, State = state, Reason = reason });

    public Task<IReadOnlyList<AlarmStatus>> GetByNameAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        Requests.Add("names:" + string.Join(",", names));
        return Task.FromResult<IReadOnlyList<AlarmStatus>>(Alarms.Where(alarm => names.Contains(alarm.Name)).ToList());
    }

    public Task<IReadOnlyList<AlarmStatus>> GetByPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        Requests.Add("prefix:" + prefix);
        return Task.FromResult<IReadOnlyList<AlarmStatus>>(Alarms.Where(alarm => alarm.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList());
    }
}

/// <summary>Fixed metrics; records the scope and window it was asked for.</summary>
internal sealed class FakeMetrics : IMetricSource
{
    public ProcessorMetrics Answer { get; set; } = new(0, 0, 0, 0, 0, Array.Empty<string>());

    public (MetricScope Scope, DateTime Since, DateTime Until)? Asked { get; private set; }

    public Task<ProcessorMetrics> GetAsync(MetricScope scope, DateTime since, DateTime until, CancellationToken cancellationToken)
    {
        Asked = (scope, since, until);
        return Task.FromResult(Answer);
    }
}

/// <summary>Queue depths by queue URL.</summary>
internal sealed class FakeQueues : IQueueDepthSource
{
    public Dictionary<string, QueueDepth> Depths { get; } = new(StringComparer.Ordinal);

    public Task<QueueDepth> GetAsync(string queueUrl, CancellationToken cancellationToken) =>
        Depths.TryGetValue(queueUrl, out var depth) ? Task.FromResult(depth) : throw new InvalidOperationException("unknown queue " + queueUrl);
}

/// <summary>Failed batches not yet replayed, by bucket; a bucket not listed does not exist.</summary>
internal sealed class FakeFailedBatches : IFailedBatchCounter
{
    public Dictionary<string, int> Pending { get; } = new(StringComparer.Ordinal);

    public List<string> Asked { get; } = new();

    public Task<int?> CountPendingAsync(string bucketName, CancellationToken cancellationToken)
    {
        Asked.Add(bucketName);
        return Task.FromResult<int?>(Pending.TryGetValue(bucketName, out var count) ? count : null);
    }
}
