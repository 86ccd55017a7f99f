using System.Collections.Concurrent;
using System.Text.Json;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Processor.Tests.Fakes;

/// <summary>A batch processor wired to in-memory fakes, with its log lines captured.</summary>
internal sealed class Harness
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentQueue<string> _lines = new();

    /// <param name="alertDetail">
    /// Full by default here: most tests check the alert against the audit record it carries; the summary alert has tests
    /// of its own.
    /// </param>
    public Harness(int maxConcurrency = 16, int retryAttempts = 0, ProcessorLogLevel level = ProcessorLogLevel.Debug, AlertDetail alertDetail = AlertDetail.Full)
    {
        Processor = new OrderPipeline(Store, Publisher, new BatchProcessorOptions
        {
            Environment = "test",
            MaxConcurrency = maxConcurrency,
            RetryAttempts = retryAttempts,
            RetryBaseDelay = TimeSpan.Zero,
            LogLevel = level,
            AlertDetail = alertDetail,
            LogSink = new JsonLogger(_lines.Enqueue),
            Time = new SteppingTime(Now),
        });
    }

    public MemoryAuditStore Store { get; } = new();

    public MemoryAlertPublisher Publisher { get; } = new();

    public OrderPipeline Processor { get; }

    public IReadOnlyList<string> Lines => [.. _lines];

    public Task<BatchResult> RunAsync(params StreamRecord[] records) => Processor.ProcessAsync(records);

    /// <summary>The one stored object (parsed) whose key starts with the prefix.</summary>
    public JsonElement Single(string prefix)
    {
        var key = Assert.Single(Store.Objects.Keys, k => k.StartsWith(prefix, StringComparison.Ordinal));
        return JsonDocument.Parse(Store.Objects[key], new JsonDocumentOptions { MaxDepth = StreamRecord.MaxJsonDepth }).RootElement;
    }
}
