namespace OrderMonitoring.Aws;

/// <summary>How our own clients retry throttling, 5xx answers and timeouts: capped exponential backoff with jitter.</summary>
public sealed class AwsRetryOptions
{
    /// <summary>The defaults used unless a caller passes its own.</summary>
    public static AwsRetryOptions Default { get; } = new();

    /// <summary>Total sends per call, the first one included (the SDK's standard mode uses 3; we allow one more).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>Backoff before the first retry; doubles for each further retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of any single backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one send may take before it counts as a (retryable) timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Bound on one call, retries and backoff included.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The clock the backoff and the timeouts run on (Polly's); the system clock unless a caller passes its own.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "At least one attempt is needed.");
        }

        if (AttemptTimeout <= TimeSpan.Zero || TotalTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TotalTimeout), "Timeouts must be positive.");
        }
    }
}
