using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudWatch;
using Lambda = OrderMonitoring.Processor.Template.TemplateContract.LambdaMetrics;
using Emf = OrderMonitoring.Processor.Template.TemplateContract.ProcessorMetrics;

namespace OrderMonitoring.Cmdlets.Status;

/// <summary>The processor's metrics from one GetMetricData call (every page): AWS/Lambda plus the processor's EMF metrics.</summary>
internal sealed class CloudWatchMetricSource : IMetricSource
{
    /// <summary>Keeps a query under CloudWatch's 1,440-datapoints-per-metric guidance at any window length.</summary>
    private const int MaxDatapointsPerMetric = 1440;

    private readonly IAmazonCloudWatch _cloudWatch;

    public CloudWatchMetricSource(IAmazonCloudWatch cloudWatch) => _cloudWatch = cloudWatch;

    public async Task<ProcessorMetrics> GetAsync(MetricScope scope, DateTime since, DateTime until, CancellationToken cancellationToken)
    {
        var period = PeriodFor(until - since);
        var queries = Queries(scope, period);
        var values = queries.ToDictionary(query => query.Id, _ => new List<double>(), StringComparer.Ordinal);
        var problems = new List<string>();
        var results = await Paging.ReadAllAsync(
            (next, token) => _cloudWatch.GetMetricDataAsync(new GetMetricDataRequest
            {
                MetricDataQueries = queries, StartTime = since, EndTime = until, NextToken = next,
            }, token),
            page => page.NextToken, page => page.MetricDataResults, cancellationToken).ConfigureAwait(false);
        foreach (var result in results.Where(result => result.Id is not null && values.ContainsKey(result.Id)))
        {
            values[result.Id!].AddRange(result.Values);
            if (result.StatusCode is "Forbidden" or "InternalError")
            {
                problems.Add($"CloudWatch answered {result.StatusCode} for {result.Label ?? result.Id}.");
            }
        }

        // No datapoints means nothing happened (CloudWatch stores no zeros), so it counts as zero.
        double Sum(string id) => values.TryGetValue(id, out var list) ? list.Sum() : 0;
        double Max(string id) => values.TryGetValue(id, out var list) && list.Count > 0 ? list.Max() : 0;
        return new ProcessorMetrics(Sum("invocations"), Sum("errors"), Sum("recordsFailed"), Sum("recordsQuarantined"), Max("iteratorAge"), problems);
    }

    /// <summary>A whole number of minutes, at least one, so the window needs at most 1,440 datapoints per metric.</summary>
    internal static int PeriodFor(TimeSpan window)
    {
        var minutes = (int)Math.Ceiling(Math.Max(window.TotalMinutes, 1) / MaxDatapointsPerMetric);
        return Math.Max(1, minutes) * 60;
    }

    private static List<MetricDataQuery> Queries(MetricScope scope, int period)
    {
        var queries = new List<MetricDataQuery>
        {
            ProcessorQuery("recordsFailed", Emf.RecordsFailed, scope.Environment, period),
            ProcessorQuery("recordsQuarantined", Emf.RecordsQuarantined, scope.Environment, period),
        };
        if (!string.IsNullOrEmpty(scope.FunctionName))
        {
            queries.Add(LambdaQuery("invocations", Lambda.Invocations, scope.FunctionName!, "Sum", period));
            queries.Add(LambdaQuery("errors", Lambda.Errors, scope.FunctionName!, "Sum", period));
            queries.Add(LambdaQuery("iteratorAge", Lambda.IteratorAge, scope.FunctionName!, "Maximum", period));
        }

        return queries;
    }

    private static MetricDataQuery ProcessorQuery(string id, string name, string environment, int period) =>
        Query(id, Emf.Namespace, name, Emf.EnvironmentDimension, environment, "Sum", period);

    private static MetricDataQuery LambdaQuery(string id, string name, string functionName, string stat, int period) =>
        Query(id, Lambda.Namespace, name, Lambda.FunctionNameDimension, functionName, stat, period);

    private static MetricDataQuery Query(string id, string metricNamespace, string name, string dimension, string value, string stat, int period) => new()
    {
        Id = id,
        Label = $"{metricNamespace} {name}",
        ReturnData = true,
        MetricStat = new MetricStat
        {
            Metric = new Metric { Namespace = metricNamespace, MetricName = name, Dimensions = { new Dimension { Name = dimension, Value = value } } },
            Period = period,
            Stat = stat,
        },
    };
}
