namespace OrderMonitoring.Aws.CloudWatch;

/// <summary>Input of DescribeAlarms.</summary>
public sealed class DescribeAlarmsRequest
{
    public List<string> AlarmNames { get; set; } = new();

    public string? AlarmNamePrefix { get; set; }

    /// <summary>OK, ALARM or INSUFFICIENT_DATA.</summary>
    public string? StateValue { get; set; }

    public string? ActionPrefix { get; set; }

    /// <summary>1 to 100.</summary>
    public int? MaxRecords { get; set; }

    public string? NextToken { get; set; }
}

/// <summary>Output of DescribeAlarms.</summary>
public sealed class DescribeAlarmsResponse
{
    public List<MetricAlarm> MetricAlarms { get; set; } = new();

    public string? NextToken { get; set; }
}

/// <summary>A metric alarm and its current state.</summary>
public sealed class MetricAlarm
{
    public string? AlarmName { get; set; }

    public string? AlarmArn { get; set; }

    public string? AlarmDescription { get; set; }

    public bool? ActionsEnabled { get; set; }

    public List<string> OKActions { get; set; } = new();

    public List<string> AlarmActions { get; set; } = new();

    public List<string> InsufficientDataActions { get; set; } = new();

    public string? StateValue { get; set; }

    public string? StateReason { get; set; }

    public DateTime? StateUpdatedTimestamp { get; set; }

    public string? MetricName { get; set; }

    public string? Namespace { get; set; }

    public string? Statistic { get; set; }

    public List<Dimension> Dimensions { get; set; } = new();

    public int? Period { get; set; }

    public int? EvaluationPeriods { get; set; }

    public int? DatapointsToAlarm { get; set; }

    public double? Threshold { get; set; }

    public string? ComparisonOperator { get; set; }

    public string? TreatMissingData { get; set; }

    /// <summary>Metric-math alarms: the queries, one with ReturnData.</summary>
    public List<MetricDataQuery> Metrics { get; set; } = new();
}

/// <summary>A metric dimension.</summary>
public sealed class Dimension
{
    public string Name { get; set; } = "";

    public string Value { get; set; } = "";
}

/// <summary>A metric: namespace, name, dimensions.</summary>
public sealed class Metric
{
    public string? Namespace { get; set; }

    public string? MetricName { get; set; }

    public List<Dimension> Dimensions { get; set; } = new();
}

/// <summary>A metric with period and statistic.</summary>
public sealed class MetricStat
{
    public Metric Metric { get; set; } = new();

    public int Period { get; set; } = 60;

    /// <summary>Sum, Average, Maximum, p99, ...</summary>
    public string Stat { get; set; } = "Sum";

    public string? Unit { get; set; }
}

/// <summary>One query of GetMetricData or of a metric-math alarm: a metric or an expression.</summary>
public sealed class MetricDataQuery
{
    public string Id { get; set; } = "";

    public MetricStat? MetricStat { get; set; }

    public string? Expression { get; set; }

    public string? Label { get; set; }

    public bool? ReturnData { get; set; }

    public int? Period { get; set; }
}

/// <summary>Input of GetMetricData.</summary>
public sealed class GetMetricDataRequest
{
    public List<MetricDataQuery> MetricDataQueries { get; set; } = new();

    public DateTime StartTime { get; set; }

    public DateTime EndTime { get; set; }

    public string? NextToken { get; set; }

    /// <summary>TimestampDescending (default) or TimestampAscending.</summary>
    public string? ScanBy { get; set; }

    public int? MaxDatapoints { get; set; }
}

/// <summary>Output of GetMetricData.</summary>
public sealed class GetMetricDataResponse
{
    public List<MetricDataResult> MetricDataResults { get; set; } = new();

    public string? NextToken { get; set; }
}

/// <summary>Values of one query; Timestamps[i] belongs to Values[i].</summary>
public sealed class MetricDataResult
{
    public string? Id { get; set; }

    public string? Label { get; set; }

    public List<DateTime> Timestamps { get; set; } = new();

    public List<double> Values { get; set; } = new();

    /// <summary>Complete, InternalError, PartialData or Forbidden.</summary>
    public string? StatusCode { get; set; }
}

/// <summary>Input of PutMetricData (values without entity data).</summary>
public sealed class PutMetricDataRequest
{
    public string Namespace { get; set; } = "";

    /// <summary>At most 1,000 per request.</summary>
    public List<MetricDatum> MetricData { get; set; } = new();
}

/// <summary>One value of a metric, with its dimensions, time and unit.</summary>
public sealed class MetricDatum
{
    public string MetricName { get; set; } = "";

    public List<Dimension> Dimensions { get; set; } = new();

    public DateTime? Timestamp { get; set; }

    /// <summary>One value; leave it out when <see cref="StatisticValues"/> carries several at once.</summary>
    public double? Value { get; set; }

    /// <summary>Many values summarised (what CloudWatch keeps per minute anyway), instead of <see cref="Value"/>.</summary>
    public StatisticSet? StatisticValues { get; set; }

    /// <summary>Count, Milliseconds, ... (StandardUnit).</summary>
    public string? Unit { get; set; }
}

/// <summary>Several values of one metric sent as one datum: their count, sum, minimum and maximum.</summary>
public sealed class StatisticSet
{
    public double SampleCount { get; set; }

    public double Sum { get; set; }

    public double Minimum { get; set; }

    public double Maximum { get; set; }
}
