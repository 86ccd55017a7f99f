using Amazon.Runtime;

namespace OrderMonitoring.Cmdlets.Services;

/// <summary>Recognises CloudFormation's way of saying a stack does not exist (a ValidationError, not a 404).</summary>
internal static class StackNotFound
{
    public static bool Is(AmazonServiceException error) =>
        error.ErrorCode == "ValidationError" && error.Message.IndexOf("does not exist", StringComparison.OrdinalIgnoreCase) >= 0;
}
