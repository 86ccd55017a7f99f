using System.Globalization;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Observability;
using TemplateContract = OrderMonitoring.Processor.Template.TemplateContract;
using Variables = OrderMonitoring.Processor.Template.TemplateContract.FunctionVariables;

namespace OrderMonitoring.Processor.Lambda;

/// <summary>The function's settings, from the environment variables the template sets.</summary>
public sealed class FunctionSettings
{
    public string AuditBucketName { get; init; } = string.Empty;

    public string AlertTopicArn { get; init; } = string.Empty;

    public string Environment { get; init; } = "unknown";

    /// <summary>The KMS key (id or ARN) that signs digests; null writes them unsigned (with a warning per digest).</summary>
    public string? DigestSigningKeyId { get; init; }

    public ProcessorLogLevel LogLevel { get; init; } = ProcessorLogLevel.Info;

    /// <summary>The seal schedule's interval (DIGEST_SEAL_INTERVAL_MINUTES; the template's default, 60 minutes, when unset).</summary>
    public SealInterval SealInterval { get; init; } = SealInterval.Default;

    public int MaxConcurrency { get; init; } = 16;

    /// <summary>What an alert carries (ALERT_DETAIL: Summary, the default, or Full).</summary>
    public AlertDetail AlertDetail { get; init; } = AlertDetail.Summary;

    /// <summary>The function's timeout (FUNCTION_TIMEOUT_SECONDS, which the template sets to the function's Timeout); null when unset.</summary>
    public TimeSpan? FunctionTimeout { get; init; }

    /// <summary>How long one S3 write or SNS publish attempt may take: short, so a slow call cannot eat the invocation.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads AUDIT_BUCKET_NAME, SNS_TOPIC_ARN (both required), ENVIRONMENT_SUFFIX, DIGEST_SIGNING_KEY_ID, DIGEST_SEAL_INTERVAL_MINUTES, LOG_LEVEL, MAX_CONCURRENCY, FUNCTION_TIMEOUT_SECONDS and ALERT_DETAIL.</summary>
    public static FunctionSettings FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= System.Environment.GetEnvironmentVariable;
        // Every value is trimmed, as LOG_LEVEL always was: stray whitespace from a console or template edit must not
        // stop a function that would otherwise run; an unset or blank optional value means its default.
        return new FunctionSettings
        {
            AuditBucketName = Required(read, Variables.AuditBucketName),
            AlertTopicArn = Required(read, Variables.TopicArn),
            Environment = Optional(read, Variables.EnvironmentSuffix) ?? "unknown",
            DigestSigningKeyId = Optional(read, Variables.DigestSigningKeyId),
            SealInterval = ReadSealInterval(read),
            LogLevel = JsonLogger.ParseLevel(read(Variables.LogLevel)),
            MaxConcurrency = ReadConcurrency(read),
            FunctionTimeout = ReadTimeout(read),
            AlertDetail = ReadAlertDetail(read),
        };
    }

    private static AlertDetail ReadAlertDetail(Func<string, string?> read)
    {
        // Unset means the safe default; a value the template would not allow stops the start rather than guessing
        // whether customer data may go out in alerts.
        return Optional(read, Variables.AlertDetail) switch
        {
            null => AlertDetail.Summary,
            var text when string.Equals(text, nameof(AlertDetail.Summary), StringComparison.OrdinalIgnoreCase) => AlertDetail.Summary,
            var text when string.Equals(text, nameof(AlertDetail.Full), StringComparison.OrdinalIgnoreCase) => AlertDetail.Full,
            _ => throw new InvalidOperationException($"The environment variable {Variables.AlertDetail} must be Summary or Full, not '{read(Variables.AlertDetail)}'."),
        };
    }

    private static SealInterval ReadSealInterval(Func<string, string?> read)
    {
        if (Optional(read, Variables.DigestSealIntervalMinutes) is not { } text)
        {
            return SealInterval.Default;
        }

        // Each seal promises the next by this interval: a wrong value would make every seal late or the promise empty.
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            && minutes is >= TemplateContract.Seals.MinIntervalMinutes and <= TemplateContract.Seals.MaxIntervalMinutes
            ? new SealInterval(TimeSpan.FromMinutes(minutes))
            : throw new InvalidOperationException($"The environment variable {Variables.DigestSealIntervalMinutes} must be whole minutes ({TemplateContract.Seals.MinIntervalMinutes} to {TemplateContract.Seals.MaxIntervalMinutes}), not '{read(Variables.DigestSealIntervalMinutes)}'.");
    }

    private static TimeSpan? ReadTimeout(Func<string, string?> read)
    {
        if (Optional(read, Variables.FunctionTimeoutSeconds) is not { } text)
        {
            return null;
        }

        // Lambda allows 1 to 900 seconds; anything else is a template mistake worth failing the start for.
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 900
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidOperationException($"The environment variable {Variables.FunctionTimeoutSeconds} must be the function's timeout in whole seconds (1 to 900), not '{read(Variables.FunctionTimeoutSeconds)}'.");
    }

    private static int ReadConcurrency(Func<string, string?> read)
    {
        if (Optional(read, Variables.MaxConcurrency) is not { } text)
        {
            return 16;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var concurrency) && concurrency >= 1
            ? concurrency
            : throw new InvalidOperationException($"The environment variable {Variables.MaxConcurrency} must be a whole number of at least 1, not '{read(Variables.MaxConcurrency)}'.");
    }

    /// <summary>The batch processor options these settings mean (logging to stdout).</summary>
    public BatchProcessorOptions ToProcessorOptions() => new()
    {
        Environment = Environment,
        MaxConcurrency = MaxConcurrency,
        LogLevel = LogLevel,
        AlertDetail = AlertDetail,
        Deadline = FunctionTimeout,
        AttemptTimeout = FunctionTimeout is { } timeout && timeout < AttemptTimeout + AttemptTimeout ? TimeSpan.FromTicks(timeout.Ticks / 3) : AttemptTimeout,
    };

    /// <summary>
    /// Our SNS client's retries inside one processor attempt: each send bounded well below the attempt (its defaults,
    /// 60 s per send and 3 minutes in all, outlast the function).
    /// </summary>
    public Aws.AwsRetryOptions ToClientRetryOptions()
    {
        var attempt = ToProcessorOptions().AttemptTimeout;
        return new Aws.AwsRetryOptions { MaxAttempts = 2, AttemptTimeout = TimeSpan.FromTicks(attempt.Ticks / 2), TotalTimeout = attempt };
    }

    private static string Required(Func<string, string?> read, string name) =>
        Optional(read, name)
            ?? throw new InvalidOperationException($"The environment variable {name} is not set; the function cannot run without it.");

    /// <summary>The trimmed value, or null when unset or blank.</summary>
    private static string? Optional(Func<string, string?> read, string name) =>
        read(name)?.Trim() is { Length: > 0 } value ? value : null;
}
