using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Template;

namespace OrderMonitoring.Processor.Observability;

/// <summary>One value of the processor's own metrics (namespace and dimension in <see cref="TemplateContract.ProcessorMetrics"/>).</summary>
/// <param name="Name">A <see cref="TemplateContract.ProcessorMetrics"/> name.</param>
/// <param name="Unit">A CloudWatch unit: Count or Milliseconds.</param>
/// <param name="Value">The batch's value.</param>
public sealed record ProcessorMetricValue(string Name, string Unit, long Value);

/// <summary>
/// Which metrics one batch produces: the one list that the Lambda's EMF line (<see cref="EmfMetrics"/>) and the
/// module's PutMetricData (processor outside Lambda) both publish, so the alarms see the same names either way.
/// </summary>
public static class ProcessorMetricValues
{
    public const string CountUnit = "Count";
    public const string MillisecondsUnit = "Milliseconds";

    /// <summary>The batch's counts, and its processing lag when a record carried a creation time.</summary>
    public static IReadOnlyList<ProcessorMetricValue> Of(BatchResult counts, long? processingLagMs)
    {
        var metrics = new List<ProcessorMetricValue>
        {
            new(TemplateContract.ProcessorMetrics.RecordsProcessed, CountUnit, counts.Records),
            new(TemplateContract.ProcessorMetrics.AuditObjectsWritten, CountUnit, counts.Audited),
            new(TemplateContract.ProcessorMetrics.AlertsPublished, CountUnit, counts.Alerts),
            new(TemplateContract.ProcessorMetrics.RecordsQuarantined, CountUnit, counts.Quarantined),
            new(TemplateContract.ProcessorMetrics.RecordsFailed, CountUnit, counts.Failed),
        };
        if (processingLagMs is { } lag)
        {
            metrics.Add(new(TemplateContract.ProcessorMetrics.ProcessingLagMs, MillisecondsUnit, lag));
        }

        return metrics;
    }

    /// <summary>The values of <paramref name="result"/>, with the lag the processor measured for it.</summary>
    public static IReadOnlyList<ProcessorMetricValue> Of(BatchResult result) => Of(result, result.ProcessingLagMs);
}
