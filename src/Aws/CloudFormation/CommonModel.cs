namespace OrderMonitoring.Aws.CloudFormation;

/// <summary>A stack parameter value (input) or the value a stack or change set uses (output).</summary>
public sealed class Parameter
{
    public string? ParameterKey { get; set; }

    public string? ParameterValue { get; set; }

    public bool? UsePreviousValue { get; set; }

    /// <summary>For SSM parameter types: the value CloudFormation resolved.</summary>
    public string? ResolvedValue { get; set; }
}

/// <summary>A tag on a stack and every resource it creates.</summary>
public sealed class Tag
{
    public string Key { get; set; } = "";

    public string Value { get; set; } = "";
}

/// <summary>Values of <c>Capabilities</c>.</summary>
public static class Capability
{
    public const string CAPABILITY_IAM = "CAPABILITY_IAM";
    public const string CAPABILITY_NAMED_IAM = "CAPABILITY_NAMED_IAM";
    public const string CAPABILITY_AUTO_EXPAND = "CAPABILITY_AUTO_EXPAND";
}

/// <summary>Values of <c>ChangeSetType</c>.</summary>
public static class ChangeSetType
{
    public const string CREATE = "CREATE";
    public const string UPDATE = "UPDATE";
    public const string IMPORT = "IMPORT";
}
