using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>Publishes one batch's processor metrics (what the Lambda writes as EMF) when the processor runs outside Lambda.</summary>
internal interface IProcessorMetricsPublisher
{
    Task PublishAsync(string environment, BatchResult result, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IProcessorMetricsPublisher"/> with CloudWatch PutMetricData: the same namespace, names, units and
/// Environment dimension as <see cref="EmfMetrics"/>, so the alarms and Get-OrderMonitoringStatus see External mode.
/// </summary>
internal sealed class CloudWatchProcessorMetrics(IAmazonCloudWatch cloudWatch, TimeProvider time) : IProcessorMetricsPublisher
{
    public Task PublishAsync(string environment, BatchResult result, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow().UtcDateTime;
        var dimension = new Dimension { Name = TemplateContract.ProcessorMetrics.EnvironmentDimension, Value = environment };
        var request = new PutMetricDataRequest
        {
            Namespace = TemplateContract.ProcessorMetrics.Namespace,
            MetricData = ProcessorMetricValues.Of(result)
                .Select(metric => new MetricDatum { MetricName = metric.Name, Unit = metric.Unit, Value = metric.Value, Timestamp = at, Dimensions = [dimension] })
                .ToList(),
        };
        return cloudWatch.PutMetricDataAsync(request, cancellationToken);
    }
}

/// <summary>
/// Runs a batch, then publishes its metrics. A batch's data is already written when publishing fails, so that failure
/// is a warning (naming what the alarms will miss), never a failed batch: retrying would write the records again.
/// </summary>
internal sealed class MeteredRecordProcessor(IRecordProcessor inner, IProcessorMetricsPublisher metrics, string environment, IProcessorLogSink log) : IRecordProcessor
{
    public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken)
    {
        var result = await inner.ProcessAsync(records, cancellationToken).ConfigureAwait(false);
        if (result.Records == 0)
        {
            return result;
        }

        try
        {
            await metrics.PublishAsync(environment, result, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.Write(ProcessorLogLevel.Warn, "CloudWatch PutMetricData failed: the alarms and Get-OrderMonitoringStatus do not see this batch",
                [("records", result.Records), ("quarantined", result.Quarantined), ("failed", result.Failed), ("error", error.Message)]);
        }

        return result;
    }
}
