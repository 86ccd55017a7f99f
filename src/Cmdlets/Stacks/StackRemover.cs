using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudFormation;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>Deletes a stack and follows the deletion to its end.</summary>
internal sealed class StackRemover
{
    private readonly IAmazonCloudFormation _cloudFormation;
    private readonly StackEventWatcher _watcher;

    public StackRemover(IAmazonCloudFormation cloudFormation, StackEventWatcher watcher)
    {
        _cloudFormation = cloudFormation;
        _watcher = watcher;
    }

    /// <summary>Deletes <paramref name="stack"/> and waits; throws when the deletion fails or takes longer than <paramref name="timeout"/>.</summary>
    public async Task RemoveAsync(CfnStack stack, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var stackId = stack.StackId ?? stack.StackName ?? "";
        var name = stack.StackName ?? stackId;
        var resources = await CountResourcesAsync(stackId, cancellationToken).ConfigureAwait(false);
        var boundary = await _watcher.LatestEventIdAsync(stackId, cancellationToken).ConfigureAwait(false);
        reporter.Verbose($"Deleting stack {name} ({resources} resources).");
        await _cloudFormation.DeleteStackAsync(new DeleteStackRequest { StackName = stackId }, cancellationToken).ConfigureAwait(false);

        var result = await _watcher.WatchAsync(stackId, boundary, resources, $"Removing {name}", timeout, reporter, cancellationToken)
            .ConfigureAwait(false);
        if (result.Stack is { StackStatus: not StackStatuses.DeleteComplete } left)
        {
            var failure = StackEventWatcher.FirstFailure(result.Events);
            throw new OrderMonitoringException("StackDeletionFailed", FailureKind.OperationFailed,
                $"Deleting stack {name} ended in {left.StackStatus}."
                + (failure is null ? $" {left.StackStatusReason}" : $" First failure: {failure.LogicalResourceId} ({failure.ResourceType}) {failure.ResourceStatus}: {failure.ResourceStatusReason}"),
                "Fix or empty the resource named above (or retain it) and run Remove-OrderMonitoringStack again.");
        }
    }

    private async Task<int> CountResourcesAsync(string stackId, CancellationToken cancellationToken) =>
        (await _cloudFormation.ListAllStackResourcesAsync(stackId, cancellationToken).ConfigureAwait(false)).Count;
}
