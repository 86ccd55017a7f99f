using System.Globalization;
using OrderMonitoring.Aws.CloudFormation;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>What a watched stack operation ended with.</summary>
/// <param name="Stack">The final description, or null when the stack is gone.</param>
/// <param name="Events">Every event of the operation, oldest first.</param>
internal sealed record WatchResult(CfnStack? Stack, IReadOnlyList<StackEvent> Events);

/// <summary>
/// Follows a stack operation through its events until the stack leaves *_IN_PROGRESS: each new event goes to Verbose,
/// progress counts finished resources, and the wait is bounded.
/// </summary>
internal sealed class StackEventWatcher(IAmazonCloudFormation cloudFormation, StackReader reader, PollTiming timing)
{
    /// <summary>The newest event id before an operation starts: events up to it belong to earlier operations.</summary>
    public async Task<string?> LatestEventIdAsync(string stackNameOrId, CancellationToken cancellationToken)
    {
        var page = await cloudFormation.DescribeStackEventsAsync(new DescribeStackEventsRequest { StackName = stackNameOrId }, cancellationToken)
            .ConfigureAwait(false);
        return page.StackEvents.FirstOrDefault()?.EventId;
    }

    /// <summary>Polls until the stack is no longer in progress (or is gone); throws a Timeout failure after <paramref name="timeout"/>.</summary>
    public async Task<WatchResult> WatchAsync(string stackId, string? boundaryEventId, int totalResources, string activity, TimeSpan timeout,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var deadline = timing.Now() + timeout;
        var events = new List<StackEvent>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            await ReadNewEventsAsync(stackId, boundaryEventId, seen, events, finished, reporter, cancellationToken).ConfigureAwait(false);
            var stack = await reader.DescribeAsync(stackId, cancellationToken).ConfigureAwait(false);
            var status = stack?.StackStatus;
            ReportProgress(activity, status, finished.Count, totalResources, events, reporter);
            if (stack is null || !StackStatuses.IsInProgress(status))
            {
                // The final events can land between the last event read and the status read.
                await ReadNewEventsAsync(stackId, boundaryEventId, seen, events, finished, reporter, cancellationToken).ConfigureAwait(false);
                reporter.Progress(new OperationProgress(1, activity, status ?? "gone", Completed: true));
                return new WatchResult(stack, events);
            }

            if (timing.Now() >= deadline)
            {
                reporter.Progress(new OperationProgress(1, activity, status ?? "", Completed: true));
                throw new OrderMonitoringException("StackOperationTimedOut", FailureKind.Timeout,
                    $"Stack {stack.StackName} is still {status} after {timeout.TotalSeconds:0} s; CloudFormation keeps working on it.",
                    "Check it later with Get-OrderMonitoringStack, or run again with a larger -TimeoutSeconds.");
            }

            await timing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The first resource failure of an operation (the cause; later failures are usually "cancelled" follow-ons).</summary>
    public static StackEvent? FirstFailure(IReadOnlyList<StackEvent> events) =>
        events.FirstOrDefault(e => StackStatuses.IsFailedResource(e.ResourceStatus) && e.LogicalResourceId != e.StackName
            && e.ResourceStatusReason?.IndexOf("cancelled", StringComparison.OrdinalIgnoreCase) < 0)
        ?? events.FirstOrDefault(e => StackStatuses.IsFailedResource(e.ResourceStatus) && e.LogicalResourceId != e.StackName)
        ?? events.FirstOrDefault(e => StackStatuses.IsFailedResource(e.ResourceStatus));

    /// <summary>One line per event: time, status, resource, type, reason.</summary>
    private string Describe(StackEvent e) =>
        string.Format(CultureInfo.InvariantCulture, "{0:HH:mm:ss} {1} {2} ({3}){4}", e.Timestamp ?? timing.Time.GetUtcNow().UtcDateTime, e.ResourceStatus,
            e.LogicalResourceId, e.ResourceType, string.IsNullOrEmpty(e.ResourceStatusReason) ? "" : ": " + e.ResourceStatusReason);

    private async Task ReadNewEventsAsync(string stackId, string? boundary, HashSet<string> seen, List<StackEvent> events,
        HashSet<string> finished, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        // Events come newest first: page back until an event we already know (or the boundary), then report oldest first.
        var fresh = new List<StackEvent>();
        string? next = null;
        do
        {
            var page = await cloudFormation.DescribeStackEventsAsync(new DescribeStackEventsRequest { StackName = stackId, NextToken = next },
                cancellationToken).ConfigureAwait(false);
            var reachedKnown = false;
            foreach (var stackEvent in page.StackEvents)
            {
                var id = stackEvent.EventId ?? "";
                if (id == boundary || seen.Contains(id))
                {
                    reachedKnown = true;
                    break;
                }

                fresh.Add(stackEvent);
            }

            next = reachedKnown ? null : page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        fresh.Reverse();
        foreach (var stackEvent in fresh)
        {
            seen.Add(stackEvent.EventId ?? "");
            events.Add(stackEvent);
            if (stackEvent.LogicalResourceId != stackEvent.StackName && stackEvent.ResourceStatus?.EndsWith("_COMPLETE", StringComparison.Ordinal) == true)
            {
                finished.Add(stackEvent.LogicalResourceId ?? "");
            }

            reporter.Verbose(Describe(stackEvent));
        }
    }

    private void ReportProgress(string activity, string? status, int finished, int total, List<StackEvent> events, IOperationReporter reporter)
    {
        int? percent = total > 0 ? Math.Min(99, finished * 100 / total) : null;
        var summary = total > 0 ? $"{status}: {Math.Min(finished, total)} of {total} resources done" : $"{status}";
        var latest = events.Count > 0 ? Describe(events[events.Count - 1]) : null;
        reporter.Progress(new OperationProgress(1, activity, summary, percent, latest));
    }
}
