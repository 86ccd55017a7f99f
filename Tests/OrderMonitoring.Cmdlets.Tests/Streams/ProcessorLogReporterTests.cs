using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Lambda;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Orders;
using OrderMonitoring.Processor.Storage;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Cmdlets.Tests.Streams;

public sealed class ProcessorLogReporterTests
{
    private readonly RecordingReporter _reporter = new();
    private readonly ProcessorLogReporter _sink;

    public ProcessorLogReporterTests() => _sink = new ProcessorLogReporter { Reporter = _reporter };

    [Fact]
    public void A_quarantine_warning_becomes_a_readable_warning()
    {
        _sink.Write(ProcessorLogLevel.Warn, "Record quarantined", [("eventId", "e-1"), ("sequenceNumber", "42"), ("reason", "no order id")]);

        Assert.Equal("Record quarantined (eventId=e-1, sequenceNumber=42, reason=no order id)", Assert.Single(_reporter.Warnings));
    }

    [Fact]
    public void An_error_is_a_warning_too()
    {
        _sink.Write(ProcessorLogLevel.Error, "Record failed", [("errorType", "IOException")]);

        Assert.Equal("Record failed (errorType=IOException)", Assert.Single(_reporter.Warnings));
    }

    [Fact]
    public void An_info_line_stays_verbose_with_its_numbers()
    {
        _sink.Write(ProcessorLogLevel.Info, "Batch processed", [("records", 10), ("audited", 9), ("durationMs", 12.34567), ("processingLagMs", null), ("ok", true)]);

        Assert.Empty(_reporter.Warnings);
        Assert.Equal("Batch processed (records=10, audited=9, durationMs=12.346, processingLagMs=null, ok=true)", Assert.Single(_reporter.Verbose));
    }

    [Fact]
    public void A_metrics_line_stays_verbatim_and_verbose()
    {
        const string emf = """{"_aws":{"Timestamp":1},"RecordsProcessed":1}""";

        _sink.WriteMetrics(emf);

        Assert.Empty(_reporter.Warnings);
        Assert.Equal(emf, Assert.Single(_reporter.Verbose));
    }

    [Fact]
    public async Task The_processor_reports_a_quarantined_record_as_a_warning_without_any_json_in_between()
    {
        var options = new BatchProcessorOptions { LogSink = _sink, EmitMetrics = false };
        var processor = new BatchProcessor(options);
        var handler = new OrderRecordHandler(new NullStore(), new NullPublisher(), processor.Log, options);
        var notAnOrder = new StreamRecord { EventId = "e-9", EventName = "INSERT", Dynamodb = new StreamRecordData { SequenceNumber = "900" } };

        var result = await processor.ProcessAsync([notAnOrder], handler);

        Assert.Equal(1, result.Quarantined);
        var warning = Assert.Single(_reporter.Warnings);
        Assert.StartsWith("Record quarantined: it cannot be audited as an order (eventId=e-9, sequenceNumber=900, reason=", warning, StringComparison.Ordinal);
        Assert.Contains(_reporter.Verbose, line => line.StartsWith("Batch processed (records=1, audited=0, alerts=0, quarantined=1, failed=0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Digests_written_unsigned_for_one_reason_warn_once_per_run_and_are_counted_at_the_end()
    {
        var options = new BatchProcessorOptions { LogSink = _sink, EmitMetrics = false, Time = new SteppingTime(DateTimeOffset.UnixEpoch) };
        var processor = new BatchProcessor(options);
        var digests = new DigestRecorder(new NullStore(), signer: null, "the key cannot sign", DigestChain.Start(options.Time), processor.Log, options);
        var handler = new OrderRecordHandler(new NullStore(), new NullPublisher(), processor.Log, options, digests);

        for (var batch = 1; batch <= 3; batch++)
        {
            await processor.ProcessAsync([Order($"ORD-{batch}", $"{batch}00")], handler);
        }

        var first = Assert.Single(_reporter.Warnings);
        Assert.StartsWith("Digest written unsigned", first, StringComparison.Ordinal);
        Assert.Contains("reason=the key cannot sign", first, StringComparison.Ordinal);
        Assert.EndsWith("counted in one warning at the end (each one in -Verbose).", first, StringComparison.Ordinal);
        Assert.Equal(2, _reporter.Verbose.Count(line => line.StartsWith("Digest written unsigned", StringComparison.Ordinal)));

        var end = new RecordingReporter();
        _sink.Summarize(end);
        Assert.Equal("3 digest(s) of this run: Digest written unsigned; the next signed digest of its chain seals it. Reason: the key cannot sign", Assert.Single(end.Warnings));

        // The next run starts counting again: its first unsigned digest warns again, and one digest needs no summary.
        await processor.ProcessAsync([Order("ORD-4", "400")], handler);
        var next = new RecordingReporter();
        _sink.Summarize(next);
        Assert.Equal(2, _reporter.Warnings.Length);
        Assert.Empty(next.Warnings);
    }

    private static StreamRecord Order(string orderId, string sequence) => StreamEvent.ParseRecords("""
        {"Records":[{"eventID":"e-SEQ","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
         "eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-01-01T00:00:00.000",
         "dynamodb":{"ApproximateCreationDateTime":1767225600,"SequenceNumber":"SEQ","SizeBytes":60,"StreamViewType":"NEW_AND_OLD_IMAGES",
          "Keys":{"orderId":{"S":"OID"},"timestamp":{"N":"1"}},"NewImage":{"orderId":{"S":"OID"},"timestamp":{"N":"1"},"status":{"S":"PENDING"}}}}]}
        """.Replace("SEQ", sequence, StringComparison.Ordinal).Replace("OID", orderId, StringComparison.Ordinal))[0];

    private sealed class NullStore : IAuditStore
    {
        public Task PutAsync(string key, string json, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NullPublisher : IAlertPublisher
    {
        public Task PublishAsync(Alert alert, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
