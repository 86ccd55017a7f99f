using System.Globalization;
using OrderMonitoring.Aws.Protocol;
using OrderMonitoring.Aws.Protocol.Query;

namespace OrderMonitoring.Aws.CloudWatch;

/// <summary>Request -> form fields for each CloudWatch operation (tests check them against the service model).</summary>
internal static class CloudWatchRequests
{
    private static string Version => ServiceDescriptor.CloudWatch.ApiVersion;

    public static QueryParameters DescribeAlarms(DescribeAlarmsRequest r) =>
        new QueryParameters("DescribeAlarms", Version)
            .AddList("AlarmNames", r.AlarmNames)
            .Add("AlarmNamePrefix", r.AlarmNamePrefix)
            .Add("StateValue", r.StateValue)
            .Add("ActionPrefix", r.ActionPrefix)
            .Add("MaxRecords", r.MaxRecords)
            .Add("NextToken", r.NextToken);

    public static QueryParameters GetMetricData(GetMetricDataRequest r) =>
        new QueryParameters("GetMetricData", Version)
            .AddList("MetricDataQueries", r.MetricDataQueries, AddQuery)
            .Add("StartTime", r.StartTime)
            .Add("EndTime", r.EndTime)
            .Add("NextToken", r.NextToken)
            .Add("ScanBy", r.ScanBy)
            .Add("MaxDatapoints", r.MaxDatapoints);

    public static QueryParameters PutMetricData(PutMetricDataRequest r) =>
        new QueryParameters("PutMetricData", Version)
            .Add("Namespace", r.Namespace)
            .AddList("MetricData", r.MetricData, static (q, prefix, datum) => q
                .Add($"{prefix}.MetricName", datum.MetricName)
                .AddList($"{prefix}.Dimensions", datum.Dimensions, static (d, p, dimension) => d.Add($"{p}.Name", dimension.Name).Add($"{p}.Value", dimension.Value))
                .Add($"{prefix}.Timestamp", datum.Timestamp)
                .Add($"{prefix}.Value", Number(datum.Value))
                .Add($"{prefix}.StatisticValues.SampleCount", Number(datum.StatisticValues?.SampleCount))
                .Add($"{prefix}.StatisticValues.Sum", Number(datum.StatisticValues?.Sum))
                .Add($"{prefix}.StatisticValues.Minimum", Number(datum.StatisticValues?.Minimum))
                .Add($"{prefix}.StatisticValues.Maximum", Number(datum.StatisticValues?.Maximum))
                .Add($"{prefix}.Unit", datum.Unit));

    private static string? Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);

    private static void AddQuery(QueryParameters q, string prefix, MetricDataQuery query)
    {
        q.Add($"{prefix}.Id", query.Id)
            .Add($"{prefix}.Expression", query.Expression)
            .Add($"{prefix}.Label", query.Label)
            .Add($"{prefix}.ReturnData", query.ReturnData)
            .Add($"{prefix}.Period", query.Period);
        if (query.MetricStat is { } stat)
        {
            q.Add($"{prefix}.MetricStat.Metric.Namespace", stat.Metric.Namespace)
                .Add($"{prefix}.MetricStat.Metric.MetricName", stat.Metric.MetricName)
                .AddList($"{prefix}.MetricStat.Metric.Dimensions", stat.Metric.Dimensions,
                    static (d, p, dimension) => d.Add($"{p}.Name", dimension.Name).Add($"{p}.Value", dimension.Value))
                .Add($"{prefix}.MetricStat.Period", stat.Period)
                .Add($"{prefix}.MetricStat.Stat", stat.Stat)
                .Add($"{prefix}.MetricStat.Unit", stat.Unit);
        }
    }
}
