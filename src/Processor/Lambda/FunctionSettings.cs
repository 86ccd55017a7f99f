using System.Globalization;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;

namespace OrderMonitoring.Processor.Lambda;

/// <summary>The function's settings, from the environment variables the template sets.</summary>
public sealed class FunctionSettings
{
    public string AuditBucketName { get; init; } = string.Empty;

    public string AlertTopicArn { get; init; } = string.Empty;

    public string Environment { get; init; } = "unknown";

    public ProcessorLogLevel LogLevel { get; init; } = ProcessorLogLevel.Info;

    public int MaxConcurrency { get; init; } = 16;

    /// <summary>Reads AUDIT_BUCKET_NAME, SNS_TOPIC_ARN (both required), ENVIRONMENT_SUFFIX, LOG_LEVEL and MAX_CONCURRENCY.</summary>
    public static FunctionSettings FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= System.Environment.GetEnvironmentVariable;
        var concurrencyText = read("MAX_CONCURRENCY");
        var concurrency = 16;
        if (!string.IsNullOrWhiteSpace(concurrencyText)
            && (!int.TryParse(concurrencyText, NumberStyles.None, CultureInfo.InvariantCulture, out concurrency) || concurrency < 1))
        {
            throw new InvalidOperationException($"MAX_CONCURRENCY must be a whole number of at least 1, not '{concurrencyText}'.");
        }

        return new FunctionSettings
        {
            AuditBucketName = Required(read, "AUDIT_BUCKET_NAME"),
            AlertTopicArn = Required(read, "SNS_TOPIC_ARN"),
            Environment = read("ENVIRONMENT_SUFFIX") is { Length: > 0 } environment ? environment : "unknown",
            LogLevel = JsonLogger.ParseLevel(read("LOG_LEVEL")),
            MaxConcurrency = concurrency,
        };
    }

    /// <summary>The batch processor options these settings mean (logging to stdout).</summary>
    public BatchProcessorOptions ToProcessorOptions() => new()
    {
        Environment = Environment,
        MaxConcurrency = MaxConcurrency,
        LogLevel = LogLevel,
    };

    private static string Required(Func<string, string?> read, string name) =>
        read(name) is { Length: > 0 } value && value.Trim().Length > 0
            ? value.Trim()
            : throw new InvalidOperationException($"The environment variable {name} is not set; the function cannot run without it.");
}
