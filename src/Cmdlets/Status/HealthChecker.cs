using System.Globalization;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Status;

/// <summary>
/// The runbook's health check for one environment: alarm states, failure-queue depth and the processor's metrics,
/// judged into <see cref="MonitoringStatus.Healthy"/> with the reasons. Thresholds follow the template's alarms.
/// </summary>
internal sealed class HealthChecker
{
    /// <summary>The iterator-age alarm's threshold: a processor five minutes behind the stream needs attention.</summary>
    public static readonly double MaxHealthyIteratorAgeMs = TemplateContract.Alarms.IteratorAge.Threshold;

    /// <summary>The error alarm's threshold as a fraction: more than 5% of invocations failing.</summary>
    public static readonly double MaxHealthyErrorRate = TemplateContract.Alarms.ErrorRate.Threshold / 100;

    private const string UpdateRolledBack = "UPDATE_ROLLBACK_COMPLETE";
    private const string AlarmResourceType = "AWS::CloudWatch::Alarm";

    private readonly StackReader _reader;
    private readonly IAlarmSource _alarms;
    private readonly IMetricSource _metrics;
    private readonly IQueueDepthSource _queues;
    private readonly IFailedBatchCounter? _failedBatches;
    private readonly EventSourceMappingCheck? _mappings;

    public HealthChecker(StackReader reader, IAlarmSource alarms, IMetricSource metrics, IQueueDepthSource queues, IFailedBatchCounter? failedBatches = null,
        IEventSourceMappingSource? mappings = null)
    {
        _failedBatches = failedBatches;
        _mappings = mappings is null ? null : new EventSourceMappingCheck(mappings);
        _reader = reader;
        _alarms = alarms;
        _metrics = metrics;
        _queues = queues;
    }

    /// <summary>Checks the stack; throws <see cref="OrderMonitoringException"/> (StackNotFound) when it does not exist.</summary>
    public async Task<MonitoringStatus> CheckAsync(string stackName, DateTime since, DateTime until, IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        var stack = await _reader.GetAsync(stackName, cancellationToken).ConfigureAwait(false)
            ?? throw StackNotFound.Error(stackName, _reader.Region);
        var reasons = new List<string>();
        var warnings = new List<string>();
        if (stack.Status == UpdateRolledBack)
        {
            warnings.Add("The last update of the stack failed and was rolled back; the previous version is running.");
        }
        else if (!StackStatuses.IsSuccess(stack.Status))
        {
            reasons.Add($"The stack is {stack.Status}{(string.IsNullOrEmpty(stack.StatusReason) ? "" : ": " + stack.StatusReason)}.");
        }

        reporter.Verbose($"Reading the alarms of {stack.StackName}.");
        var alarms = await AlarmsAsync(stack, warnings, cancellationToken).ConfigureAwait(false);
        reasons.AddRange(alarms.Where(alarm => alarm.State == "ALARM").Select(alarm => $"Alarm {alarm.Name} is in ALARM: {alarm.Reason}"));

        var depth = await QueueDepthAsync(stack, warnings, cancellationToken).ConfigureAwait(false);
        if (depth.Visible + depth.InFlight > TemplateContract.Alarms.FailureQueue.Threshold)
        {
            reasons.Add($"{Count(depth.Visible + depth.InFlight)} message(s) in the failure queue: sequence ranges of stream batches the processor gave up on "
                + "(fix the cause, then replay them with Invoke-OrderEventProcessor -FailedBatches while the stream still has their records, 24 hours).");
        }

        var failedBatches = await FailedBatchesAsync(stack, warnings, cancellationToken).ConfigureAwait(false);
        if (failedBatches > 0)
        {
            reasons.Add($"{failedBatches} failed batch(es) in s3://{stack.FailedBatchesBucketName} not yet replayed: stream records the processor gave up on "
                + "(fix the cause, then replay them with Invoke-OrderEventProcessor -FailedBatches).");
        }

        var mappings = await MappingsAsync(stack, reporter, cancellationToken).ConfigureAwait(false);
        reasons.AddRange(mappings.Reasons);
        warnings.AddRange(mappings.Warnings);

        reporter.Verbose($"Reading the processor's metrics from {since:u} to {until:u}.");
        var metrics = await _metrics.GetAsync(new MetricScope(stack.FunctionName, stack.Environment), since, until, cancellationToken).ConfigureAwait(false);
        warnings.AddRange(metrics.Problems);
        reasons.AddRange(MetricReasons(metrics, warnings));
        foreach (var warning in warnings)
        {
            reporter.Warning(warning);
        }

        return new MonitoringStatus
        {
            Environment = stack.Environment, StackName = stack.StackName, StackStatus = stack.Status, Region = stack.Region,
            Healthy = reasons.Count == 0, Reasons = reasons, Warnings = warnings, Alarms = alarms,
            ProcessorTrigger = mappings.ProcessorTrigger, EventSourceMappingState = mappings.State, EventSourceMappings = mappings.Mappings,
            FailureQueueDepth = depth.Visible, FailureQueueInFlight = depth.InFlight, FailedBatchesPending = failedBatches, Since = since, Until = until,
            Invocations = metrics.Invocations, Errors = metrics.Errors, RecordsFailed = metrics.RecordsFailed,
            RecordsQuarantined = metrics.RecordsQuarantined, MaxIteratorAgeMs = metrics.MaxIteratorAgeMs,
        };
    }

    /// <summary>
    /// The stack's own alarms (its AWS::CloudWatch::Alarm resources); when the stack lists none (an emulator that
    /// skips alarms), the alarms named order-processor-*-&lt;environment&gt;. Missing alarms are a warning: they
    /// say nothing about the orders, but nobody is being alerted.
    /// </summary>
    private async Task<IReadOnlyList<AlarmStatus>> AlarmsAsync(OrderMonitoring.Stack stack, List<string> warnings, CancellationToken cancellationToken)
    {
        var declared = (await _reader.ListResourcesAsync(stack.StackId.Length > 0 ? stack.StackId : stack.StackName, cancellationToken).ConfigureAwait(false))
            .Where(resource => resource.ResourceType == AlarmResourceType && !string.IsNullOrEmpty(resource.PhysicalResourceId))
            .Select(resource => resource.PhysicalResourceId!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (declared.Count == 0)
        {
            var suffix = "-" + stack.Environment;
            var byName = (await _alarms.GetByPrefixAsync(TemplateContract.Alarms.NamePrefix, cancellationToken).ConfigureAwait(false))
                .Where(alarm => alarm.Name.EndsWith(suffix, StringComparison.Ordinal)).OrderBy(alarm => alarm.Name, StringComparer.Ordinal).ToList();
            if (byName.Count == 0)
            {
                warnings.Add($"No CloudWatch alarms found for {stack.StackName}: nobody is alerted when the processor fails.");
            }

            return byName;
        }

        var found = (await _alarms.GetByNameAsync(declared, cancellationToken).ConfigureAwait(false)).OrderBy(alarm => alarm.Name, StringComparer.Ordinal).ToList();
        var missing = declared.Where(name => found.All(alarm => alarm.Name != name)).ToList();
        if (missing.Count > 0)
        {
            warnings.Add($"The stack declares alarms that CloudWatch does not have: {string.Join(", ", missing)}.");
        }

        return found;
    }

    private async Task<EventSourceMappingFindings> MappingsAsync(OrderMonitoring.Stack stack, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var trigger = string.IsNullOrEmpty(stack.ProcessorTrigger) ? TemplateContract.ProcessorTriggers.Lambda : stack.ProcessorTrigger!;
        if (_mappings is null)
        {
            return new EventSourceMappingFindings(trigger, EventSourceMappingCheck.NotChecked, Array.Empty<EventSourceMappingStatus>(),
                Array.Empty<string>(), Array.Empty<string>());
        }

        reporter.Verbose($"Reading the event source mappings of {stack.FunctionName}.");
        var findings = await _mappings.CheckAsync(stack, cancellationToken).ConfigureAwait(false);
        if (findings.State == EventSourceMappingCheck.NoMapping && findings.Reasons.Count == 0)
        {
            reporter.Verbose($"No event source mapping, as expected with ProcessorTrigger {trigger}: the processor runs outside Lambda (Invoke-OrderEventProcessor).");
        }

        return findings;
    }

    private async Task<QueueDepth> QueueDepthAsync(OrderMonitoring.Stack stack, List<string> warnings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(stack.FailureQueueUrl))
        {
            warnings.Add($"The stack {stack.StackName} names no failure queue; its depth was not checked.");
            return new QueueDepth(0, 0);
        }

        return await _queues.GetAsync(stack.FailureQueueUrl!, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> FailedBatchesAsync(OrderMonitoring.Stack stack, List<string> warnings, CancellationToken cancellationToken)
    {
        if (_failedBatches is null)
        {
            return 0;
        }

        if (string.IsNullOrEmpty(stack.FailedBatchesBucketName))
        {
            warnings.Add($"The stack {stack.StackName} names no failed-batches bucket (deployed before failed batches were kept in S3); update it with New-OrderMonitoringStack.");
            return 0;
        }

        if (await _failedBatches.CountPendingAsync(stack.FailedBatchesBucketName!, cancellationToken).ConfigureAwait(false) is { } count)
        {
            return count;
        }

        warnings.Add($"The failed-batches bucket {stack.FailedBatchesBucketName} does not exist; failed batches were not counted.");
        return 0;
    }

    private static IEnumerable<string> MetricReasons(ProcessorMetrics metrics, List<string> warnings)
    {
        if (metrics.RecordsFailed > TemplateContract.Alarms.RecordsFailed.Threshold)
        {
            yield return $"The processor failed {Count(metrics.RecordsFailed)} record(s).";
        }

        if (metrics.RecordsQuarantined > TemplateContract.Alarms.RecordsQuarantined.Threshold)
        {
            yield return $"The processor quarantined {Count(metrics.RecordsQuarantined)} record(s) it could not audit (see quarantine/ in the audit bucket).";
        }

        if (metrics.MaxIteratorAgeMs > MaxHealthyIteratorAgeMs)
        {
            yield return $"The processor lagged the order stream by up to {TimeSpan.FromMilliseconds(metrics.MaxIteratorAgeMs):g} (iterator age).";
        }

        if (metrics.Errors > 0)
        {
            var rate = metrics.Invocations > 0 ? metrics.Errors / metrics.Invocations : 1;
            var text = $"{Count(metrics.Errors)} of {Count(metrics.Invocations)} processor invocation(s) failed";
            if (rate > MaxHealthyErrorRate)
            {
                yield return text + ".";
            }
            else
            {
                // Below the alarm's rate the batches were retried; worth knowing, not worth paging anyone.
                warnings.Add(text + $" (below the {Count(TemplateContract.Alarms.ErrorRate.Threshold)}% error-rate alarm).");
            }
        }
    }

    private static string Count(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
