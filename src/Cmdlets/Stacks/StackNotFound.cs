using Amazon.Runtime;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>A stack that does not exist: how CloudFormation says it, and how the module says it (one wording everywhere).</summary>
internal static class StackNotFound
{
    /// <summary>The ErrorId of every "no such stack" error.</summary>
    public const string ErrorId = "StackNotFound";

    /// <summary>CloudFormation answers a missing stack with a ValidationError, not a 404.</summary>
    public static bool Is(AmazonServiceException error) =>
        error.ErrorCode == "ValidationError" && error.Message.IndexOf("does not exist", StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>The module's error for a stack that is not there.</summary>
    public static OrderMonitoringException Error(string stackName, string region) =>
        new(ErrorId, FailureKind.NotFound,
            $"There is no stack named '{stackName}' in {region}.",
            "Check -Environment, -StackName and -Region (Get-OrderMonitoringStack lists the stacks of a region), or deploy it with New-OrderMonitoringStack.");
}
