using Amazon.Runtime;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.Cmdlets.Infrastructure;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;

namespace OrderMonitoring.Cmdlets.Services.Orders;

/// <summary>Reads a stack's outputs through DescribeStacks and checks that the ones the order cmdlets need are there.</summary>
internal sealed class CloudFormationStackResolver : IOrderStackResolver
{
    private static readonly string[] UsableStatuses = { "CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS" };

    private readonly IAmazonCloudFormation _cloudFormation;

    public CloudFormationStackResolver(IAmazonCloudFormation cloudFormation) => _cloudFormation = cloudFormation;

    public async Task<OrderStackResources> ResolveAsync(string stackName, string environment, CancellationToken cancellationToken)
    {
        CfnStack? stack;
        try
        {
            var response = await _cloudFormation.DescribeStacksAsync(new DescribeStacksRequest { StackName = stackName }, cancellationToken).ConfigureAwait(false);
            stack = response.Stacks.FirstOrDefault();
        }
        catch (AmazonServiceException error) when (error.ErrorCode == "ValidationError"
            && error.Message.IndexOf("does not exist", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            stack = null;
        }

        if (stack is null || stack.StackStatus == "DELETE_COMPLETE")
        {
            throw new OrderMonitoringException("StackNotFound", FailureKind.NotFound,
                $"The stack '{stackName}' for environment '{environment}' does not exist in this region.",
                "Deploy it with New-OrderMonitoringStack, or check -Environment, -StackName and -Region (Get-OrderMonitoringStack lists what exists).");
        }

        if (Array.IndexOf(UsableStatuses, stack.StackStatus) < 0)
        {
            throw new OrderMonitoringException("StackNotReady", FailureKind.InvalidState,
                $"The stack '{stackName}' is {stack.StackStatus}; its resources cannot be used now.",
                "Wait for the deployment to finish, or redeploy with New-OrderMonitoringStack.");
        }

        var outputs = stack.Outputs.Where(o => !string.IsNullOrEmpty(o.OutputKey) && !string.IsNullOrEmpty(o.OutputValue))
            .GroupBy(o => o.OutputKey!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().OutputValue!, StringComparer.Ordinal);
        if (!outputs.ContainsKey("OrderEventsTableName"))
        {
            // Some CloudFormation emulators (moto, for stacks created through a change set) report no outputs; the
            // outputs we need are the resources' physical ids (Ref), so read those instead.
            await AddFromResourcesAsync(stackName, outputs, cancellationToken).ConfigureAwait(false);
        }

        string Required(string key) => outputs.TryGetValue(key, out var value)
            ? value
            : throw new OrderMonitoringException("StackOutputMissing", FailureKind.InvalidState,
                $"The stack '{stackName}' has no '{key}' output; it was not deployed by this module's template.",
                "Redeploy it with New-OrderMonitoringStack.");
        string? Optional(string key) => outputs.TryGetValue(key, out var value) ? value : null;

        return new OrderStackResources(stackName, environment, Required("OrderEventsTableName"), Optional("OrderEventsTableStreamArn"),
            Required("AuditLogsBucketName"), Required("OrderAlertsTopicArn"), Optional("FailureQueueUrl"));
    }

    private async Task AddFromResourcesAsync(string stackName, Dictionary<string, string> outputs, CancellationToken cancellationToken)
    {
        var byLogicalId = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["OrderEventsTable"] = "OrderEventsTableName",
            ["AuditLogsBucket"] = "AuditLogsBucketName",
            ["OrderAlertsTopic"] = "OrderAlertsTopicArn",
            ["FailureQueue"] = "FailureQueueUrl",
        };
        string? next = null;
        do
        {
            var page = await _cloudFormation.ListStackResourcesAsync(new ListStackResourcesRequest { StackName = stackName, NextToken = next }, cancellationToken)
                .ConfigureAwait(false);
            foreach (var resource in page.StackResourceSummaries)
            {
                if (resource.LogicalResourceId is { } logicalId && byLogicalId.TryGetValue(logicalId, out var outputKey)
                    && !string.IsNullOrEmpty(resource.PhysicalResourceId))
                {
                    outputs[outputKey] = resource.PhysicalResourceId!;
                }
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));
    }
}
