namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>What a CloudFormation stack status means for someone waiting on it.</summary>
internal static class StackStatuses
{
    public const string CreateComplete = "CREATE_COMPLETE";
    public const string UpdateComplete = "UPDATE_COMPLETE";
    public const string RollbackComplete = "ROLLBACK_COMPLETE";
    public const string ReviewInProgress = "REVIEW_IN_PROGRESS";
    public const string DeleteComplete = "DELETE_COMPLETE";
    public const string DeleteFailed = "DELETE_FAILED";

    /// <summary>Still moving: the status ends in _IN_PROGRESS (REVIEW_IN_PROGRESS is a parked, empty stack, not moving).</summary>
    public static bool IsInProgress(string? status) =>
        status is not null && status != ReviewInProgress && status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal);

    /// <summary>A create or update finished as asked.</summary>
    public static bool IsSuccess(string? status) => status is CreateComplete or UpdateComplete;

    /// <summary>A failed resource event (CREATE_FAILED, UPDATE_FAILED, DELETE_FAILED...).</summary>
    public static bool IsFailedResource(string? status) => status is not null && status.EndsWith("_FAILED", StringComparison.Ordinal);
}
