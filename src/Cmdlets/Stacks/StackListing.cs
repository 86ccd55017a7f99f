using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// The order-monitoring stacks of a region as read one by one: the ones read, and for each one that could not be,
/// the error to report, so one bad stack never hides the others.
/// </summary>
internal sealed record StackListing(IReadOnlyList<OrderMonitoring.Stack> Stacks, IReadOnlyList<StackReadFailure> Failures);

/// <summary>A stack that could not be shown, and why (an <see cref="OrderMonitoringException"/> with a stable ErrorId).</summary>
internal sealed record StackReadFailure(string StackName, OrderMonitoringException Error);

/// <summary>The errors of a stack that cannot be shown: one wording and one ErrorId each.</summary>
internal static class StackReadErrors
{
    /// <summary>A stack parked in REVIEW_IN_PROGRESS: a CREATE change set that was never executed.</summary>
    public const string NotDeployedId = "StackNotDeployed";

    /// <summary>A stack whose description or resources could not be read.</summary>
    public const string UnreadableId = "StackUnreadable";

    public static OrderMonitoringException NotDeployed(string stackName, string environment) =>
        new(NotDeployedId, FailureKind.InvalidState,
            $"The stack '{stackName}' is {StackStatuses.ReviewInProgress}: a change set was created for it and never executed "
            + "(an interrupted New-OrderMonitoringStack), so it has no resources yet.",
            $"Deploy it with New-OrderMonitoringStack -Environment {environment}, or delete it with Remove-OrderMonitoringStack -Environment {environment}.");

    public static OrderMonitoringException Unreadable(string stackName, Exception cause) =>
        new(UnreadableId, FailureKind.OperationFailed,
            $"The stack '{stackName}' could not be read: {cause.Message}",
            "Check the stack in the CloudFormation console or with Get-OrderMonitoringStack -StackName; the other stacks were read.",
            cause);
}
