namespace OrderMonitoring;

/// <summary>One resource change a deployment would make (what -WhatIf lists).</summary>
public sealed class StackChange
{
    /// <summary>The stack the change belongs to.</summary>
    public string StackName { get; init; } = "";

    /// <summary>Add, Modify, Remove, Import or Dynamic.</summary>
    public string Action { get; init; } = "";

    /// <summary>The template's logical id of the resource.</summary>
    public string LogicalResourceId { get; init; } = "";

    /// <summary>The existing resource's physical id, for changes to existing resources.</summary>
    public string? PhysicalResourceId { get; init; }

    /// <summary>CloudFormation resource type, e.g. AWS::DynamoDB::Table.</summary>
    public string ResourceType { get; init; } = "";

    /// <summary>True, False or Conditional for modifications; empty for additions and removals.</summary>
    public string? Replacement { get; init; }

    /// <summary>Action, resource and type, for logs.</summary>
    public override string ToString() => $"{Action} {LogicalResourceId} ({ResourceType})";
}
