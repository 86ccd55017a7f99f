using System.Net;
using Amazon.Runtime;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Processor.Batch;

/// <summary>Decides whether a failed store write or publish deserves the processor's own extra attempt.</summary>
internal static class RetryWorthiness
{
    // Transient answers that come with a 4xx status (the Query protocol throttles with 400).
    private static readonly HashSet<string> TransientClientErrorCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestTimeout", "RequestTimeoutException", "SlowDown",
    };

    public static bool IsWorthRetrying(Exception error, CancellationToken cancellationToken) => error switch
    {
        // Only the caller's own cancellation ends the work; an HttpClient timeout is a TaskCanceledException too.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        AwsServiceException ours => ours.IsRetryable,
        // A rejected request (bad parameter, access denied) fails the same way every time: sending it again only
        // delays the record's report and, for a publish, could not help anyway.
        AmazonServiceException sdk => IsTransient(sdk.StatusCode, sdk.ErrorCode),
        _ => true,
    };

    private static bool IsTransient(HttpStatusCode status, string? errorCode)
    {
        var code = (int)status;
        return code == 0 || code == 429 || code >= 500 || (errorCode is not null && TransientClientErrorCodes.Contains(errorCode));
    }
}
