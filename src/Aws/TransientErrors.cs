using System.Net;
using Amazon.Runtime;

namespace OrderMonitoring.Aws;

/// <summary>
/// The one classification of AWS error answers: which ones are throttling, and which are transient (worth sending
/// again). Our clients' retries, the processor's extra attempt, the order writer's advice and the ErrorRecord
/// categories all ask here. The code lists are botocore's standard retry mode.
/// </summary>
public static class TransientErrors
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    private static readonly HashSet<string> TransientServerCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "InternalServerError", "ServiceUnavailable",
    };

    // Services name new throttling codes in these words (e.g. DynamoDB's ThrottlingException variants per table or index).
    private static readonly string[] ThrottlingWords = ["Throttl", "LimitExceeded", "ThroughputExceeded"];

    /// <summary>True when the service is slowing the caller down: HTTP 429 or a throttling code (even with a 400).</summary>
    public static bool IsThrottling(HttpStatusCode status, string? errorCode) =>
        (int)status == 429
        || (!string.IsNullOrEmpty(errorCode)
            && (ThrottlingCodes.Contains(errorCode!) || ThrottlingWords.Any(word => errorCode!.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)));

    /// <summary>True when the same request may well succeed later: throttling, 500/502/503/504, or a transient server code.</summary>
    public static bool IsTransient(HttpStatusCode status, string? errorCode) =>
        IsThrottling(status, errorCode)
        || (int)status is 500 or 502 or 503 or 504
        || (errorCode is not null && TransientServerCodes.Contains(errorCode));

    /// <summary>
    /// Whether a failed call deserves another attempt. Only the caller's own cancellation ends the work (an
    /// HttpClient timeout is a TaskCanceledException too); a rejected request (bad parameter, access denied) fails
    /// the same way every time; an SDK error without any answer (status 0) is a transport failure, and so are the
    /// transport's own exceptions (connection, stream, timeout). Anything else is a defect (a null reference, a bad
    /// argument) that fails the same way again: it is not retried.
    /// </summary>
    public static bool IsWorthRetrying(Exception error, CancellationToken cancellationToken) => error switch
    {
        null => throw new ArgumentNullException(nameof(error)),
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        AwsServiceException ours => ours.IsRetryable,
        AmazonServiceException sdk => sdk.StatusCode == 0 || IsTransient(sdk.StatusCode, sdk.ErrorCode),
        AmazonClientException or HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException => true,
        _ => false,
    };
}
