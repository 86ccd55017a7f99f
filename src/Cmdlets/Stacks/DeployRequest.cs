namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>Everything one deployment needs; built by New-OrderMonitoringStack from its parameters.</summary>
internal sealed class DeployRequest
{
    public string StackName { get; init; } = "";

    public string Environment { get; init; } = "";

    /// <summary>The template file shipped in the module.</summary>
    public string TemplatePath { get; init; } = "";

    /// <summary>The processor zip shipped in the module.</summary>
    public string ProcessorZipPath { get; init; } = "";

    /// <summary>Null: order-monitoring-artifacts-&lt;account&gt;-&lt;region&gt;.</summary>
    public string? ArtifactBucketName { get; init; }

    /// <summary>Null: the stack's current value on an update, Lambda on a create.</summary>
    public string? ProcessorTrigger { get; init; }

    /// <summary>Null: the stack's current value on an update, none on a create.</summary>
    public string? AlertEmail { get; init; }

    /// <summary>Null: the stack's current value on an update, none on a create; "" removes it.</summary>
    public string? CodeSigningConfigArn { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to follow the stack before giving up (the operation continues in AWS).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Delete a stack left in ROLLBACK_COMPLETE by a failed create and create it anew.</summary>
    public bool ReplaceFailedStack { get; init; }
}
