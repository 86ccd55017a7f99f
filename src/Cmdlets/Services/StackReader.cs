using Amazon.Runtime;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.Cmdlets.Infrastructure;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;

namespace OrderMonitoring.Cmdlets.Services;

/// <summary>Reads order-monitoring stacks and turns them into <see cref="OrderMonitoring.Stack"/> objects.</summary>
internal sealed class StackReader
{
    private readonly IAmazonCloudFormation _cloudFormation;
    private readonly string _region;

    public StackReader(IAmazonCloudFormation cloudFormation, string region)
    {
        _cloudFormation = cloudFormation;
        _region = region;
    }

    /// <summary>The region the stacks are read from.</summary>
    public string Region => _region;

    /// <summary>The stack as CloudFormation describes it, or null when it does not exist.</summary>
    public async Task<CfnStack?> DescribeAsync(string stackNameOrId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _cloudFormation.DescribeStacksAsync(new DescribeStacksRequest { StackName = stackNameOrId }, cancellationToken)
                .ConfigureAwait(false);
            return response.Stacks.FirstOrDefault();
        }
        catch (AmazonServiceException error) when (StackNotFound.Is(error))
        {
            return null;
        }
    }

    /// <summary>The stack as a module object, or null when it does not exist.</summary>
    public async Task<OrderMonitoring.Stack?> GetAsync(string stackName, CancellationToken cancellationToken) =>
        await DescribeAsync(stackName, cancellationToken).ConfigureAwait(false) is { } stack ? ToModel(stack) : null;

    /// <summary>The physical id of one of the stack's resources (when an output is missing), or null.</summary>
    public async Task<string?> FindPhysicalIdAsync(string stackNameOrId, string logicalId, CancellationToken cancellationToken) =>
        (await ListResourcesAsync(stackNameOrId, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(resource => resource.LogicalResourceId == logicalId && !string.IsNullOrEmpty(resource.PhysicalResourceId))?.PhysicalResourceId;

    /// <summary>Every resource of the stack (all pages).</summary>
    public async Task<IReadOnlyList<StackResourceSummary>> ListResourcesAsync(string stackNameOrId, CancellationToken cancellationToken)
    {
        var resources = new List<StackResourceSummary>();
        string? next = null;
        do
        {
            var page = await _cloudFormation.ListStackResourcesAsync(new ListStackResourcesRequest { StackName = stackNameOrId, NextToken = next },
                cancellationToken).ConfigureAwait(false);
            resources.AddRange(page.StackResourceSummaries);
            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        return resources;
    }

    /// <summary>Every live stack named order-monitoring-&lt;environment&gt; in the region (all pages).</summary>
    public async Task<IReadOnlyList<OrderMonitoring.Stack>> ListAsync(CancellationToken cancellationToken)
    {
        var found = new List<OrderMonitoring.Stack>();
        string? next = null;
        do
        {
            var page = await _cloudFormation.DescribeStacksAsync(new DescribeStacksRequest { NextToken = next }, cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Stacks
                .Where(stack => EnvironmentName.FromStackName(stack.StackName) is not null && stack.StackStatus != StackStatuses.DeleteComplete)
                .Select(ToModel));
            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        return found.OrderBy(stack => stack.StackName, StringComparer.Ordinal).ToList();
    }

    /// <summary>Maps CloudFormation's description (outputs, parameters) to the module's stack object.</summary>
    public OrderMonitoring.Stack ToModel(CfnStack stack)
    {
        var outputs = stack.Outputs
            .Where(output => output.OutputKey is not null)
            .GroupBy(output => output.OutputKey!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First().OutputValue ?? "", StringComparer.Ordinal);
        string? Output(string key) => outputs.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
        string? Parameter(string key) => stack.Parameters.FirstOrDefault(p => p.ParameterKey == key)?.ParameterValue;

        return new OrderMonitoring.Stack
        {
            StackName = stack.StackName ?? "",
            StackId = stack.StackId ?? "",
            Status = stack.StackStatus ?? "",
            StatusReason = stack.StackStatusReason,
            Environment = Output(StackOutputs.EnvironmentSuffix) ?? Parameter("EnvironmentSuffix") ?? EnvironmentName.FromStackName(stack.StackName) ?? "",
            Region = _region,
            TableName = Output(StackOutputs.TableName),
            StreamArn = Output(StackOutputs.StreamArn),
            AuditBucketName = Output(StackOutputs.AuditBucketName),
            TopicArn = Output(StackOutputs.TopicArn),
            FunctionName = Output(StackOutputs.FunctionName),
            FailureQueueUrl = Output(StackOutputs.FailureQueueUrl),
            DashboardName = Output(StackOutputs.DashboardName),
            ProcessorTrigger = Output(StackOutputs.ProcessorTrigger) ?? Parameter("ProcessorTrigger"),
            CreationTime = stack.CreationTime,
            LastUpdatedTime = stack.LastUpdatedTime ?? stack.CreationTime,
            Outputs = outputs,
        };
    }
}

/// <summary>The template's output keys the module reads (fixed by the template contract).</summary>
internal static class StackOutputs
{
    public const string TableName = "OrderEventsTableName";
    public const string StreamArn = "OrderEventsTableStreamArn";
    public const string AuditBucketName = "AuditLogsBucketName";
    public const string TopicArn = "OrderAlertsTopicArn";
    public const string FunctionName = "OrderProcessorLambdaName";
    public const string FailureQueueUrl = "FailureQueueUrl";
    public const string DashboardName = "DashboardName";
    public const string ProcessorTrigger = "ProcessorTrigger";
    public const string EnvironmentSuffix = "EnvironmentSuffix";
    public const string AlarmName = "LambdaErrorAlarmName";
}
