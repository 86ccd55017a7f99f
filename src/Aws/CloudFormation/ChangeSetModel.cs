namespace OrderMonitoring.Aws.CloudFormation;

/// <summary>Input of CreateChangeSet.</summary>
public sealed class CreateChangeSetRequest
{
    public string StackName { get; set; } = "";

    public string ChangeSetName { get; set; } = "";

    /// <summary><see cref="CloudFormation.ChangeSetType"/>: CREATE, UPDATE (default) or IMPORT.</summary>
    public string? ChangeSetType { get; set; }

    public string? TemplateBody { get; set; }

    public string? TemplateURL { get; set; }

    public bool? UsePreviousTemplate { get; set; }

    public List<Parameter> Parameters { get; set; } = new();

    public List<string> Capabilities { get; set; } = new();

    public List<Tag> Tags { get; set; } = new();

    public List<string> NotificationARNs { get; set; } = new();

    public string? RoleARN { get; set; }

    public string? Description { get; set; }

    public string? ClientToken { get; set; }

    /// <summary>DO_NOTHING, ROLLBACK or DELETE: what a failed CREATE leaves behind.</summary>
    public string? OnStackFailure { get; set; }
}

/// <summary>Output of CreateChangeSet.</summary>
public sealed class CreateChangeSetResponse
{
    /// <summary>The change set's ARN.</summary>
    public string? Id { get; set; }

    public string? StackId { get; set; }
}

/// <summary>Input of DescribeChangeSet.</summary>
public sealed class DescribeChangeSetRequest
{
    /// <summary>Name (with <c>StackName</c>) or ARN.</summary>
    public string ChangeSetName { get; set; } = "";

    public string? StackName { get; set; }

    public string? NextToken { get; set; }
}

/// <summary>Output of DescribeChangeSet: status and one page of changes.</summary>
public sealed class DescribeChangeSetResponse
{
    public string? ChangeSetName { get; set; }

    public string? ChangeSetId { get; set; }

    public string? StackId { get; set; }

    public string? StackName { get; set; }

    public string? Description { get; set; }

    public List<Parameter> Parameters { get; set; } = new();

    public DateTime? CreationTime { get; set; }

    /// <summary>UNAVAILABLE, AVAILABLE, EXECUTE_IN_PROGRESS, EXECUTE_COMPLETE, EXECUTE_FAILED, OBSOLETE.</summary>
    public string? ExecutionStatus { get; set; }

    /// <summary>CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, DELETE_*, FAILED.</summary>
    public string? Status { get; set; }

    public string? StatusReason { get; set; }

    public List<string> NotificationARNs { get; set; } = new();

    public List<string> Capabilities { get; set; } = new();

    public List<Tag> Tags { get; set; } = new();

    public List<Change> Changes { get; set; } = new();

    public string? NextToken { get; set; }
}

/// <summary>One change a change set would make.</summary>
public sealed class Change
{
    /// <summary>Resource (the only type besides hook invocations).</summary>
    public string? Type { get; set; }

    public ResourceChange? ResourceChange { get; set; }
}

/// <summary>What happens to one resource.</summary>
public sealed class ResourceChange
{
    /// <summary>Add, Modify, Remove, Import, Dynamic.</summary>
    public string? Action { get; set; }

    public string? LogicalResourceId { get; set; }

    public string? PhysicalResourceId { get; set; }

    public string? ResourceType { get; set; }

    /// <summary>True, False or Conditional (only for Modify).</summary>
    public string? Replacement { get; set; }

    public List<string> Scope { get; set; } = new();

    public List<ResourceChangeDetail> Details { get; set; } = new();
}

/// <summary>Why a resource changes.</summary>
public sealed class ResourceChangeDetail
{
    public ResourceTargetDefinition? Target { get; set; }

    public string? Evaluation { get; set; }

    public string? ChangeSource { get; set; }

    public string? CausingEntity { get; set; }
}

/// <summary>The part of a resource that changes.</summary>
public sealed class ResourceTargetDefinition
{
    public string? Attribute { get; set; }

    public string? Name { get; set; }

    public string? RequiresRecreation { get; set; }
}

/// <summary>Input of ExecuteChangeSet.</summary>
public sealed class ExecuteChangeSetRequest
{
    public string ChangeSetName { get; set; } = "";

    public string? StackName { get; set; }

    public string? ClientRequestToken { get; set; }

    public bool? DisableRollback { get; set; }
}

/// <summary>Output of ExecuteChangeSet (empty).</summary>
public sealed class ExecuteChangeSetResponse
{
}

/// <summary>Input of DeleteChangeSet.</summary>
public sealed class DeleteChangeSetRequest
{
    public string ChangeSetName { get; set; } = "";

    public string? StackName { get; set; }
}

/// <summary>Output of DeleteChangeSet (empty).</summary>
public sealed class DeleteChangeSetResponse
{
}
