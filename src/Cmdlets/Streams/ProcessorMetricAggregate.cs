using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Processor.Observability;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// The processor's metric values not yet published, kept as one statistic set per metric and minute: CloudWatch stores
/// a minute's values as count, sum, minimum and maximum anyway, so the alarms (Sum/Maximum per period) see exactly what
/// one datum per batch would have given them. Memory is bounded by metrics x minutes, never by the batch count.
/// </summary>
internal sealed class ProcessorMetricAggregate
{
    /// <summary>Minutes kept while CloudWatch cannot be reached; older ones are dropped (and counted) first.</summary>
    public const int MaxMinutes = 120;

    private readonly object _gate = new();
    private readonly SortedDictionary<DateTime, Dictionary<(string Name, string Unit), StatisticSet>> _minutes = new();

    /// <summary>Minutes dropped because more than <see cref="MaxMinutes"/> were waiting.</summary>
    public int DroppedMinutes { get; private set; }

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _minutes.Count == 0;
            }
        }
    }

    /// <summary>Adds one batch's values to the statistic sets of the minute they were measured in.</summary>
    public void Add(DateTimeOffset at, IEnumerable<ProcessorMetricValue> values)
    {
        var minute = Minute(at);
        lock (_gate)
        {
            foreach (var value in values)
            {
                Merge(minute, (value.Name, value.Unit), new StatisticSet { SampleCount = 1, Sum = value.Value, Minimum = value.Value, Maximum = value.Value });
            }

            TrimToBound();
        }
    }

    /// <summary>Takes every waiting statistic set, oldest minute first, leaving the aggregate empty.</summary>
    public IReadOnlyList<MinuteStatistics> TakeAll()
    {
        lock (_gate)
        {
            var taken = _minutes.SelectMany(minute => minute.Value.Select(metric => new MinuteStatistics(minute.Key, metric.Key.Name, metric.Key.Unit, metric.Value)))
                .ToList();
            _minutes.Clear();
            return taken;
        }
    }

    /// <summary>Puts back sets that could not be published, merged with whatever arrived meanwhile, for the next publish.</summary>
    public void Restore(IEnumerable<MinuteStatistics> unpublished)
    {
        lock (_gate)
        {
            foreach (var set in unpublished)
            {
                Merge(set.Minute, (set.Name, set.Unit), set.Values);
            }

            TrimToBound();
        }
    }

    private static DateTime Minute(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
    }

    private void Merge(DateTime minute, (string Name, string Unit) metric, StatisticSet values)
    {
        if (!_minutes.TryGetValue(minute, out var metrics))
        {
            _minutes[minute] = metrics = new Dictionary<(string Name, string Unit), StatisticSet>();
        }

        if (!metrics.TryGetValue(metric, out var set))
        {
            metrics[metric] = new StatisticSet { SampleCount = values.SampleCount, Sum = values.Sum, Minimum = values.Minimum, Maximum = values.Maximum };
            return;
        }

        set.SampleCount += values.SampleCount;
        set.Sum += values.Sum;
        set.Minimum = Math.Min(set.Minimum, values.Minimum);
        set.Maximum = Math.Max(set.Maximum, values.Maximum);
    }

    private void TrimToBound()
    {
        while (_minutes.Count > MaxMinutes)
        {
            _minutes.Remove(_minutes.Keys.First());
            DroppedMinutes++;
        }
    }
}

/// <summary>One metric's values within one minute.</summary>
internal sealed record MinuteStatistics(DateTime Minute, string Name, string Unit, StatisticSet Values);
