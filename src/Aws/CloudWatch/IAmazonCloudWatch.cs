namespace OrderMonitoring.Aws.CloudWatch;

/// <summary>The CloudWatch operations we use, shaped like the SDK's interface so AWSSDK.CloudWatch can replace it.</summary>
public interface IAmazonCloudWatch : IDisposable
{
    /// <summary>One page of metric alarms.</summary>
    Task<DescribeAlarmsResponse> DescribeAlarmsAsync(DescribeAlarmsRequest request, CancellationToken cancellationToken = default);

    /// <summary>Metric values (and metric-math results) for a time range.</summary>
    Task<GetMetricDataResponse> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken cancellationToken = default);

    /// <summary>Publishes metric values (creating the metrics on first use).</summary>
    Task PutMetricDataAsync(PutMetricDataRequest request, CancellationToken cancellationToken = default);
}
