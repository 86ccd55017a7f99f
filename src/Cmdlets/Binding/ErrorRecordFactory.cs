using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// The one place that turns a failure into an <see cref="ErrorRecord"/>: a stable ErrorId, a category and a
/// recommended action. Messages come from our own exceptions or from the service; none of them carries a secret.
/// </summary>
/// <remarks>
/// Error ids: <c>AwsConfigurationInvalid</c>, <c>AwsService.&lt;ServiceErrorCode&gt;</c> (for example
/// <c>AwsService.AccessDenied</c>), <c>AwsEndpointUnreachable</c>, <c>AwsRequestTimedOut</c>, <c>InvalidArgument</c>,
/// and the ids of <see cref="OrderMonitoringException"/> (for example <c>StackDeploymentFailed</c>).
/// </remarks>
public static class ErrorRecordFactory
{
    /// <summary>Id for an unresolvable connection (no region, missing profile, no credentials, bad endpoint).</summary>
    public const string ConfigurationErrorId = "AwsConfigurationInvalid";

    /// <summary>Id for an endpoint that refused or dropped the connection.</summary>
    public const string EndpointUnreachableErrorId = "AwsEndpointUnreachable";

    /// <summary>Id for a request that took too long.</summary>
    public const string TimeoutErrorId = "AwsRequestTimedOut";

    /// <summary>Prefix of ids for errors answered by an AWS service: <c>AwsService.&lt;code&gt;</c>.</summary>
    public const string ServiceErrorIdPrefix = "AwsService.";

    /// <summary>The ErrorRecord for any exception, classified by type (and by service code for AWS errors).</summary>
    public static ErrorRecord Create(Exception exception, object? target)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        var root = Unwrap(exception);
        return root switch
        {
            // One classification of "the endpoint did not answer" for every cmdlet: a failure the module wrapped in its
            // own words (a stack that could not be read) keeps its message but is reported as what it is.
            OrderMonitoringException own when Transport(own) is { } transport => ForTransport(own, transport, target),
            OrderMonitoringException own => Build(own, own.ErrorId, CategoryOf(own.Kind), target, own.RecommendedAction),
            AwsConfigurationException config => Build(config, ConfigurationErrorId, ErrorCategory.InvalidArgument, target,
                "Check -Region, -ProfileName/-ProfileLocation, -Credential and -EndpointUrl (or AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL)."),
            AmazonServiceException service => ForService(service, target),
            PSArgumentException or ArgumentException => Build(root, "InvalidArgument", ErrorCategory.InvalidArgument, target, null),
            TimeoutException or TaskCanceledException => ForTransport(root, root, target),
            _ when IsConnectionFailure(root) => ForTransport(root, root, target),
            _ => Build(root, root.GetType().Name, ErrorCategory.NotSpecified, target, null),
        };
    }

    /// <summary>An ErrorRecord for a validation failure the cmdlet found itself, before any call.</summary>
    public static ErrorRecord Validation(string errorId, string message, object? target, string? recommendedAction = null) =>
        Create(new OrderMonitoringException(errorId, FailureKind.InvalidArgument, message, recommendedAction), target);

    /// <summary>The ErrorCategory a <see cref="FailureKind"/> stands for.</summary>
    public static ErrorCategory CategoryOf(FailureKind kind) => kind switch
    {
        FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureKind.NotFound => ErrorCategory.ObjectNotFound,
        FailureKind.InvalidState => ErrorCategory.ResourceUnavailable,
        FailureKind.OperationFailed => ErrorCategory.InvalidResult,
        FailureKind.Timeout => ErrorCategory.OperationTimeout,
        FailureKind.Connection => ErrorCategory.ConnectionError,
        FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
        FailureKind.InvalidOperation => ErrorCategory.InvalidOperation,
        _ => ErrorCategory.NotSpecified,
    };

    private const string TimeoutAction = "The service did not answer in time. Retry; if it persists check the endpoint and your network.";

    private const string UnreachableAction = "Check that the endpoint is reachable (-EndpointUrl, AWS_ENDPOINT_URL, proxy and network settings).";

    private static ErrorRecord ForTransport(Exception reported, Exception transport, object? target) =>
        transport is TimeoutException or TaskCanceledException
            ? Build(reported, TimeoutErrorId, ErrorCategory.OperationTimeout, target, TimeoutAction)
            : Build(reported, EndpointUnreachableErrorId, ErrorCategory.ConnectionError, target, UnreachableAction);

    // The transport failure (no connection, no answer in time) behind one of our own exceptions, if that is its cause.
    private static Exception? Transport(OrderMonitoringException own)
    {
        if (own.InnerException is not { } cause)
        {
            return null;
        }

        // A service that answered (even with an error) was reached: that stays the module's own error.
        var root = Unwrap(cause);
        return root is not AmazonServiceException && (root is TimeoutException || IsConnectionFailure(root)) ? root : null;
    }

    private static ErrorRecord ForService(AmazonServiceException service, object? target)
    {
        var code = string.IsNullOrEmpty(service.ErrorCode) ? ((int)service.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) : service.ErrorCode;
        // Our clients name the operation; the SDK's clients built by the factory recorded it (and the resource) on the exception.
        var serviceName = service is AwsServiceException ours ? $"{ours.ServiceName} {ours.Operation}" : SdkErrorNames.OperationOf(service) ?? "AWS";
        var resource = SdkErrorNames.ResourceOf(service) is { } named ? $" on {named}" : "";
        var message = $"{serviceName}{resource} failed: {code}: {service.Message} (HTTP {(int)service.StatusCode}, request id {service.RequestId ?? "none"})";
        var (category, action) = ClassifyService(code, service.StatusCode);
        return Build(service, ServiceErrorIdPrefix + code, category, target, action, message);
    }

    private static (ErrorCategory Category, string? Action) ClassifyService(string code, HttpStatusCode status)
    {
        if (status == HttpStatusCode.Forbidden || code.IndexOf("AccessDenied", StringComparison.OrdinalIgnoreCase) >= 0
            || code.IndexOf("Unauthorized", StringComparison.OrdinalIgnoreCase) >= 0 || code.IndexOf("Token", StringComparison.OrdinalIgnoreCase) >= 0
            || code.IndexOf("Signature", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return (ErrorCategory.PermissionDenied, "Check that the credentials are valid and allowed to do this (IAM policy, expired session).");
        }

        if (status == HttpStatusCode.NotFound || code.IndexOf("NotFound", StringComparison.OrdinalIgnoreCase) >= 0
            || code.IndexOf("NoSuch", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return (ErrorCategory.ObjectNotFound, "Check the name, the -Environment and the -Region.");
        }

        if (TransientErrors.IsThrottling(status, code))
        {
            return (ErrorCategory.LimitsExceeded, "The service is throttling requests; wait and retry.");
        }

        if (TransientErrors.IsTransient(status, code))
        {
            return (ErrorCategory.ResourceUnavailable, "The service had an internal problem; retry later.");
        }

        return (ErrorCategory.InvalidOperation, null);
    }

    private static ErrorRecord Build(Exception exception, string errorId, ErrorCategory category, object? target, string? action,
        string? message = null)
    {
        // Every record says what to do next; a specific action wins over the one for its category.
        return new ErrorRecord(exception, errorId, category, target)
        {
            ErrorDetails = new ErrorDetails(message ?? exception.Message) { RecommendedAction = action ?? DefaultActionFor(category) },
        };
    }

    private static string DefaultActionFor(ErrorCategory category) => category switch
    {
        ErrorCategory.InvalidArgument or ErrorCategory.InvalidData => "Correct the value named in the message and run the command again (Get-Help <command> -Parameter <name>).",
        ErrorCategory.ObjectNotFound => "Check the name, the -Environment and the -Region (Get-OrderMonitoringStack lists the stacks of a region).",
        ErrorCategory.ResourceUnavailable => "Wait until the resource is ready, or check its state with Get-OrderMonitoringStack and Get-OrderMonitoringStatus.",
        ErrorCategory.OperationTimeout => "Retry, or allow more time with -TimeoutSeconds where the command has it.",
        ErrorCategory.InvalidOperation or ErrorCategory.InvalidResult => "Read the service's message above; about_OrderMonitoring lists common causes under TROUBLESHOOTING.",
        _ => "Run the command again with -Verbose; if it fails the same way, report it with this error's id and message.",
    };

    private static Exception Unwrap(Exception exception)
    {
        var current = exception;
        while (current is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            current = aggregate.InnerExceptions[0];
        }

        // The SDK wraps transport failures in AmazonServiceException without a service answer (no status, no code).
        if (current is AmazonServiceException { ErrorCode: null or "", StatusCode: 0 } && current.InnerException is { } inner
            && (IsConnectionFailure(inner) || inner is TimeoutException or TaskCanceledException))
        {
            return inner;
        }

        return current;
    }

    private static bool IsConnectionFailure(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or SocketException or WebException)
            {
                return true;
            }
        }

        return false;
    }
}
