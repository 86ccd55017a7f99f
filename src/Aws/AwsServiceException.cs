using System.Net;
using Amazon.Runtime;

namespace OrderMonitoring.Aws;

/// <summary>
/// An error answer from one of our own clients (CloudFormation, SNS, CloudWatch, DynamoDB Streams). Derives from the
/// SDK's <see cref="AmazonServiceException"/> so callers catch SDK errors and ours the same way.
/// The message is the service's own; nothing from the request (credentials, signature) is ever part of it.
/// </summary>
public sealed class AwsServiceException : AmazonServiceException
{
    /// <summary>Creates the exception from a parsed error answer.</summary>
    public AwsServiceException(string serviceName, string operation, string errorCode, string message, string? requestId,
        HttpStatusCode statusCode, bool isRetryable, int attempts = 1, Exception? innerException = null)
        : base(message, innerException, TypeFor(statusCode), errorCode, requestId, statusCode)
    {
        ServiceName = serviceName;
        Operation = operation;
        IsRetryable = isRetryable;
        Attempts = attempts;
    }

    /// <summary>The service that answered, e.g. <c>CloudFormation</c>.</summary>
    public string ServiceName { get; }

    /// <summary>The operation that failed, e.g. <c>DescribeStacks</c>.</summary>
    public string Operation { get; }

    /// <summary>True for throttling, 5xx and similar transient answers.</summary>
    public bool IsRetryable { get; }

    /// <summary>How many times the request was sent before this error was final.</summary>
    public int Attempts { get; }

    /// <summary>Service, operation, code, status and request id next to the service's message, then the stack trace.</summary>
    public override string ToString() =>
        $"{GetType().FullName}: {ServiceName} {Operation} failed: {ErrorCode} (HTTP {(int)StatusCode}, request id {RequestId ?? "none"}"
        + (Attempts > 1 ? $", after {Attempts} attempts" : "") + $"): {Message}"
        + (InnerException is null ? "" : $" ---> {InnerException.GetType().FullName}: {InnerException.Message}")
        + (StackTrace is null ? "" : Environment.NewLine + StackTrace);

    /// <summary>A copy that also records how many attempts were made (the retry loop knows, the parser does not).</summary>
    internal AwsServiceException WithAttempts(int attempts) =>
        new(ServiceName, Operation, ErrorCode, attempts > 1 ? $"{Message} (gave up after {attempts} attempts)" : Message,
            RequestId, StatusCode, IsRetryable, attempts, this);

    private static ErrorType TypeFor(HttpStatusCode status) => (int)status >= 500 ? ErrorType.Receiver : ErrorType.Sender;
}
