using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudWatch;

namespace OrderMonitoring.Cmdlets.Status;

/// <summary>Alarm states from CloudWatch DescribeAlarms, every page.</summary>
internal sealed class CloudWatchAlarmSource : IAlarmSource
{
    /// <summary>DescribeAlarms accepts at most 100 names per call.</summary>
    private const int MaxNamesPerCall = 100;

    private readonly IAmazonCloudWatch _cloudWatch;

    public CloudWatchAlarmSource(IAmazonCloudWatch cloudWatch) => _cloudWatch = cloudWatch;

    public async Task<IReadOnlyList<AlarmStatus>> GetByNameAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var found = new List<AlarmStatus>();
        for (var start = 0; start < names.Count; start += MaxNamesPerCall)
        {
            var batch = names.Skip(start).Take(MaxNamesPerCall).ToList();
            found.AddRange(await DescribeAllAsync(() => new DescribeAlarmsRequest { AlarmNames = batch }, cancellationToken).ConfigureAwait(false));
        }

        return found;
    }

    public Task<IReadOnlyList<AlarmStatus>> GetByPrefixAsync(string prefix, CancellationToken cancellationToken) =>
        DescribeAllAsync(() => new DescribeAlarmsRequest { AlarmNamePrefix = prefix }, cancellationToken);

    private async Task<IReadOnlyList<AlarmStatus>> DescribeAllAsync(Func<DescribeAlarmsRequest> newRequest, CancellationToken cancellationToken) =>
        await Paging.ReadAllAsync(
            (next, token) =>
            {
                var request = newRequest();
                request.NextToken = next;
                return _cloudWatch.DescribeAlarmsAsync(request, token);
            },
            page => page.NextToken,
            page => page.MetricAlarms.Where(alarm => !string.IsNullOrEmpty(alarm.AlarmName)).Select(alarm => new AlarmStatus
            {
                Name = alarm.AlarmName!,
                State = alarm.StateValue ?? "",
                Reason = alarm.StateReason,
                Since = alarm.StateUpdatedTimestamp,
            }),
            cancellationToken).ConfigureAwait(false);
}
