using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// The resources the order cmdlets use, read through the one <see cref="StackReader"/> (which fills outputs a stack
/// lacks from its resources), with the checks those cmdlets need: the stack exists, is usable, and has them.
/// </summary>
internal sealed class CloudFormationStackResolver : IOrderStackResolver
{
    // An update in progress still has every resource; a failed create or a deletion does not.
    private static readonly string[] UsableStatuses =
    {
        StackStatuses.CreateComplete, StackStatuses.UpdateComplete, "UPDATE_ROLLBACK_COMPLETE", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
    };

    private readonly StackReader _reader;

    public CloudFormationStackResolver(StackReader reader) => _reader = reader;

    public async Task<OrderStackResources> ResolveAsync(string stackName, string environment, CancellationToken cancellationToken)
    {
        var described = await _reader.DescribeAsync(stackName, cancellationToken).ConfigureAwait(false);
        if (described is null || described.StackStatus == StackStatuses.DeleteComplete)
        {
            throw StackNotFound.Error(stackName, _reader.Region);
        }

        if (Array.IndexOf(UsableStatuses, described.StackStatus) < 0)
        {
            throw new OrderMonitoringException("StackNotReady", FailureKind.InvalidState,
                $"The stack '{stackName}' is {described.StackStatus}; its resources cannot be used now.",
                "Wait for the deployment to finish, or redeploy with New-OrderMonitoringStack.");
        }

        var stack = await _reader.ToModelAsync(described, cancellationToken).ConfigureAwait(false);
        string Required(string? value, string output) => !string.IsNullOrEmpty(value)
            ? value!
            : throw new OrderMonitoringException("StackOutputMissing", FailureKind.InvalidState,
                $"The stack '{stackName}' has no '{output}' output or resource; it was not deployed by this module's template.",
                "Redeploy it with New-OrderMonitoringStack.");

        return new OrderStackResources(stack.StackName, environment,
            Required(stack.TableName, TemplateContract.Outputs.TableName), stack.StreamArn,
            Required(stack.AuditBucketName, TemplateContract.Outputs.AuditBucketName), Required(stack.TopicArn, TemplateContract.Outputs.TopicArn), stack.FailureQueueUrl,
            stack.FailedBatchesBucketName, stack.ProcessorTrigger, stack.AlertDetail, stack.DigestSigningKeyArn,
            stack.RepairSigningKeyArn, stack.AuditObjectLockMode, stack.DigestSealIntervalMinutes)
        {
            // The output, or on a stack whose outputs are missing the rule behind it; a stack deployed before seals has neither.
            DigestSealSchedule = stack.DigestSealSchedule,
        };
    }
}
