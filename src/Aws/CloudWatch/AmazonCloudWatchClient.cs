using System.Xml.Linq;
using OrderMonitoring.Aws.Protocol;
using OrderMonitoring.Aws.Protocol.Query;

namespace OrderMonitoring.Aws.CloudWatch;

/// <summary>Our CloudWatch client (Query protocol, 2010-08-01) for reading alarms and metrics and publishing the processor's metrics.</summary>
public sealed class AmazonCloudWatchClient : IAmazonCloudWatch
{
    private readonly QueryProtocol _protocol;

    /// <summary>A client for the connection's region and CloudWatch endpoint.</summary>
    public AmazonCloudWatchClient(AwsConnection connection, AwsRetryOptions? retry = null)
        => _protocol = new QueryProtocol(ServiceDescriptor.CloudWatch, connection, retry);

    /// <inheritdoc />
    public async Task<DescribeAlarmsResponse> DescribeAlarmsAsync(DescribeAlarmsRequest request, CancellationToken cancellationToken = default)
    {
        var r = await _protocol.InvokeAsync(CloudWatchRequests.DescribeAlarms(request), cancellationToken).ConfigureAwait(false);
        return new DescribeAlarmsResponse { MetricAlarms = r.Members("MetricAlarms").Select(Alarm).ToList(), NextToken = r.Text("NextToken") };
    }

    /// <inheritdoc />
    public async Task<GetMetricDataResponse> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken cancellationToken = default)
    {
        var r = await _protocol.InvokeAsync(CloudWatchRequests.GetMetricData(request), cancellationToken).ConfigureAwait(false);
        return new GetMetricDataResponse
        {
            MetricDataResults = r.Members("MetricDataResults").Select(static m => new MetricDataResult
            {
                Id = m.Text("Id"),
                Label = m.Text("Label"),
                Timestamps = m.Strings("Timestamps").Select(t => XmlResult.ParseTime(t)!.Value).ToList(),
                Values = m.Strings("Values").Select(v => XmlResult.ParseDouble(v) ?? double.NaN).ToList(),
                StatusCode = m.Text("StatusCode"),
            }).ToList(),
            NextToken = r.Text("NextToken"),
        };
    }

    /// <inheritdoc />
    public async Task PutMetricDataAsync(PutMetricDataRequest request, CancellationToken cancellationToken = default) =>
        await _protocol.InvokeAsync(CloudWatchRequests.PutMetricData(request), cancellationToken).ConfigureAwait(false);

    /// <summary>Nothing to release: the HTTP connection pool is shared by the process.</summary>
    public void Dispose()
    {
    }

    private static MetricAlarm Alarm(XElement a) => new()
    {
        AlarmName = a.Text("AlarmName"),
        AlarmArn = a.Text("AlarmArn"),
        AlarmDescription = a.Text("AlarmDescription"),
        ActionsEnabled = a.Bool("ActionsEnabled"),
        OKActions = a.Strings("OKActions"),
        AlarmActions = a.Strings("AlarmActions"),
        InsufficientDataActions = a.Strings("InsufficientDataActions"),
        StateValue = a.Text("StateValue"),
        StateReason = a.Text("StateReason"),
        StateUpdatedTimestamp = a.Time("StateUpdatedTimestamp"),
        MetricName = a.Text("MetricName"),
        Namespace = a.Text("Namespace"),
        Statistic = a.Text("Statistic"),
        Dimensions = Dimensions(a),
        Period = a.Int("Period"),
        EvaluationPeriods = a.Int("EvaluationPeriods"),
        DatapointsToAlarm = a.Int("DatapointsToAlarm"),
        Threshold = a.Double("Threshold"),
        ComparisonOperator = a.Text("ComparisonOperator"),
        TreatMissingData = a.Text("TreatMissingData"),
        Metrics = a.Members("Metrics").Select(static q => new MetricDataQuery
        {
            Id = q.Text("Id") ?? "",
            Expression = q.Text("Expression"),
            Label = q.Text("Label"),
            ReturnData = q.Bool("ReturnData"),
            Period = q.Int("Period"),
            MetricStat = q.Child("MetricStat") is { } s
                ? new MetricStat
                {
                    Metric = new Metric { Namespace = s.Child("Metric").Text("Namespace"), MetricName = s.Child("Metric").Text("MetricName"), Dimensions = Dimensions(s.Child("Metric")) },
                    Period = s.Int("Period") ?? 0,
                    Stat = s.Text("Stat") ?? "",
                    Unit = s.Text("Unit"),
                }
                : null,
        }).ToList(),
    };

    private static List<Dimension> Dimensions(XElement? parent) =>
        parent.Members("Dimensions").Select(static d => new Dimension { Name = d.Text("Name") ?? "", Value = d.Text("Value") ?? "" }).ToList();
}
