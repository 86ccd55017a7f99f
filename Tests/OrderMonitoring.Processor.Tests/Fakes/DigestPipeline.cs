using System.Collections.Concurrent;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Orders;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Processor.Tests.Fakes;

/// <summary>The order pipeline with digests, over in-memory fakes, as ProcessorServices wires it over S3, SNS and KMS.</summary>
internal sealed class DigestPipeline : IDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly BatchProcessor _processor;
    private readonly OrderRecordHandler _handler;

    public DigestPipeline(bool withSigner = true, int retryAttempts = 0)
    {
        var options = new BatchProcessorOptions
        {
            Environment = "test",
            RetryAttempts = retryAttempts,
            RetryBaseDelay = TimeSpan.Zero,
            LogLevel = ProcessorLogLevel.Debug,
            LogSink = new JsonLogger(_lines.Enqueue),
            Time = new SteppingTime(Harness.Now),
        };
        _processor = new BatchProcessor(options);
        Recorder = new DigestRecorder(Store, withSigner ? Signer : null, withSigner ? null : "no digest signing key is configured",
            new DigestChain("20260301T120000Z-chain"), _processor.Log, options);
        _handler = new OrderRecordHandler(Store, Publisher, _processor.Log, options, Recorder);
    }

    public MemoryAuditStore Store { get; } = new();

    public MemoryAlertPublisher Publisher { get; } = new();

    public EcdsaSigner Signer { get; } = new();

    public DigestRecorder Recorder { get; }

    public DigestVerifier Verifier => new(Signer.PublicKey);

    public IReadOnlyList<string> Lines => [.. _lines];

    public Task<BatchResult> RunAsync(params StreamRecord[] records) => _processor.ProcessAsync(records, _handler);

    /// <summary>Every digest stored, in key order (the chain's order).</summary>
    public IReadOnlyList<(string Key, string Json, DigestDocument Digest)> Digests =>
        Store.Objects.Where(o => o.Key.StartsWith(Audit.AuditKey.DigestsPrefix, StringComparison.Ordinal))
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => (o.Key, o.Value, DigestDocument.Parse(o.Value, o.Key)))
            .ToList();

    public void Dispose() => Signer.Dispose();
}
