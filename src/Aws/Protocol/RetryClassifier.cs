using System.Net;

namespace OrderMonitoring.Aws.Protocol;

/// <summary>Which error answers are worth sending again: throttling and transient server trouble (botocore's standard mode list).</summary>
internal static class RetryClassifier
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
        "InternalServerError", "ServiceUnavailable",
    };

    public static bool IsRetryable(HttpStatusCode status, string errorCode)
    {
        var code = (int)status;
        return code == 429 || code == 500 || code == 502 || code == 503 || code == 504 || TransientCodes.Contains(errorCode);
    }
}
