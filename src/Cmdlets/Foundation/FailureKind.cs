namespace OrderMonitoring.Cmdlets.Foundation;

/// <summary>
/// What kind of failure a service reports; the error factory maps it to a PowerShell <c>ErrorCategory</c>.
/// Services stay free of PowerShell types so they can be tested without a runspace.
/// </summary>
public enum FailureKind
{
    /// <summary>A caller-supplied value is wrong (environment name, parameter combination).</summary>
    InvalidArgument,

    /// <summary>Something the caller named does not exist (stack, bucket, queue).</summary>
    NotFound,

    /// <summary>The resource is in a state that does not allow the operation (rollback, in progress).</summary>
    InvalidState,

    /// <summary>An AWS operation ran and failed (stack rolled back, deletion failed).</summary>
    OperationFailed,

    /// <summary>The operation did not finish in the allowed time.</summary>
    Timeout,

    /// <summary>The endpoint could not be reached.</summary>
    Connection,

    /// <summary>Credentials were refused or lack a permission.</summary>
    PermissionDenied,

    /// <summary>The operation cannot run in this session as called (a confirmation that cannot be shown).</summary>
    InvalidOperation,
}
