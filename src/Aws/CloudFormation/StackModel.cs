namespace OrderMonitoring.Aws.CloudFormation;

/// <summary>Input of DescribeStacks.</summary>
public sealed class DescribeStacksRequest
{
    /// <summary>Name or id; null lists every stack of the account and region.</summary>
    public string? StackName { get; set; }

    public string? NextToken { get; set; }
}

/// <summary>Output of DescribeStacks.</summary>
public sealed class DescribeStacksResponse
{
    public List<Stack> Stacks { get; set; } = new();

    public string? NextToken { get; set; }
}

/// <summary>A stack as DescribeStacks returns it.</summary>
public sealed class Stack
{
    public string? StackId { get; set; }

    public string? StackName { get; set; }

    public string? ChangeSetId { get; set; }

    public string? Description { get; set; }

    public List<Parameter> Parameters { get; set; } = new();

    public DateTime? CreationTime { get; set; }

    public DateTime? LastUpdatedTime { get; set; }

    public DateTime? DeletionTime { get; set; }

    /// <summary>CREATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, ... (see CloudFormation's StackStatus).</summary>
    public string? StackStatus { get; set; }

    public string? StackStatusReason { get; set; }

    public string? DetailedStatus { get; set; }

    public bool? DisableRollback { get; set; }

    public List<string> NotificationARNs { get; set; } = new();

    public int? TimeoutInMinutes { get; set; }

    public List<string> Capabilities { get; set; } = new();

    public List<Output> Outputs { get; set; } = new();

    public string? RoleARN { get; set; }

    public List<Tag> Tags { get; set; } = new();

    public bool? EnableTerminationProtection { get; set; }

    public string? ParentId { get; set; }

    public string? RootId { get; set; }
}

/// <summary>A stack output.</summary>
public sealed class Output
{
    public string? OutputKey { get; set; }

    public string? OutputValue { get; set; }

    public string? Description { get; set; }

    public string? ExportName { get; set; }
}

/// <summary>Input of DescribeStackEvents.</summary>
public sealed class DescribeStackEventsRequest
{
    public string StackName { get; set; } = "";

    public string? NextToken { get; set; }
}

/// <summary>Output of DescribeStackEvents: one page, newest first.</summary>
public sealed class DescribeStackEventsResponse
{
    public List<StackEvent> StackEvents { get; set; } = new();

    public string? NextToken { get; set; }
}

/// <summary>One stack event.</summary>
public sealed class StackEvent
{
    public string? StackId { get; set; }

    public string? EventId { get; set; }

    public string? StackName { get; set; }

    public string? LogicalResourceId { get; set; }

    public string? PhysicalResourceId { get; set; }

    public string? ResourceType { get; set; }

    public DateTime? Timestamp { get; set; }

    public string? ResourceStatus { get; set; }

    public string? ResourceStatusReason { get; set; }

    public string? ResourceProperties { get; set; }

    public string? ClientRequestToken { get; set; }

    public string? DetailedStatus { get; set; }
}

/// <summary>Input of ListStackResources.</summary>
public sealed class ListStackResourcesRequest
{
    public string StackName { get; set; } = "";

    public string? NextToken { get; set; }
}

/// <summary>Output of ListStackResources.</summary>
public sealed class ListStackResourcesResponse
{
    public List<StackResourceSummary> StackResourceSummaries { get; set; } = new();

    public string? NextToken { get; set; }
}

/// <summary>One resource of a stack.</summary>
public sealed class StackResourceSummary
{
    public string? LogicalResourceId { get; set; }

    public string? PhysicalResourceId { get; set; }

    public string? ResourceType { get; set; }

    public DateTime? LastUpdatedTimestamp { get; set; }

    public string? ResourceStatus { get; set; }

    public string? ResourceStatusReason { get; set; }
}

/// <summary>Input of DeleteStack.</summary>
public sealed class DeleteStackRequest
{
    public string StackName { get; set; } = "";

    /// <summary>Logical ids to keep (only for a stack in DELETE_FAILED).</summary>
    public List<string> RetainResources { get; set; } = new();

    public string? RoleARN { get; set; }

    public string? ClientRequestToken { get; set; }
}

/// <summary>Output of DeleteStack (empty).</summary>
public sealed class DeleteStackResponse
{
}
