using System.Text.Json;
using System.Text.Json.Nodes;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

public sealed class BatchProcessorTests
{
    [Fact]
    public async Task Empty_batch_succeeds_and_still_reports_metrics()
    {
        var harness = new Harness();
        var result = await harness.RunAsync();
        Assert.Equal((0, 0, 0), (result.Records, result.Failed, harness.Store.Objects.Count));
        Assert.Empty(result.BatchItemFailures);
        Assert.Contains(harness.Lines, line => line.Contains("\"RecordsProcessed\":0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_records_of_one_order_are_written_in_stream_order_and_alert_once()
    {
        var harness = new Harness();
        harness.Store.Latency = TimeSpan.FromMilliseconds(5);
        var first = Events.Insert("ORD-2", "PENDING", sequence: "500000000000000000001");
        var second = Events.Modify("ORD-2", "PENDING", "FAILED", sequence: "500000000000000000002");
        var other = Events.Insert("ORD-3", "PENDING");

        var result = await harness.RunAsync(first, second, other);

        Assert.Equal(3, result.Audited);
        var orderWrites = harness.Store.Writes.Where(k => k.StartsWith("orders/ORD-2/", StringComparison.Ordinal)).ToList();
        Assert.Equal([Audit.AuditKey.ForRecord("ORD-2", "500000000000000000001"), Audit.AuditKey.ForRecord("ORD-2", "500000000000000000002")], orderWrites);
        var alert = Assert.Single(harness.Publisher.Published);
        Assert.Equal("Order Failed: ORD-2", alert.Subject);
        Assert.Equal("ORD-2", alert.Attributes["orderId"]);
        Assert.Equal("FAILED", alert.Attributes["status"]);
        Assert.Equal("MODIFY", alert.Attributes["eventType"]);
        Assert.Equal("test", alert.Attributes["environment"]);
        Assert.Equal(second.EventId, alert.Attributes["eventId"]);
        Assert.Equal(harness.Store.Objects[orderWrites[1]], alert.Message);
    }

    [Fact]
    public async Task Status_is_recorded_as_sent_and_alerts_on_padded_lowercase_failed()
    {
        var harness = new Harness();
        await harness.RunAsync(Events.Modify("ORD-P", "PENDING", " failed "), Events.Modify("ORD-F", "FAILED", "FAILED"));
        Assert.Equal(" failed ", harness.Single("orders/ORD-P/").GetProperty("status").GetString());
        var alert = Assert.Single(harness.Publisher.Published);
        Assert.Equal("ORD-P", alert.Attributes["orderId"]);
    }

    [Fact]
    public async Task A_failed_write_fails_that_record_and_the_rest_of_its_order_only()
    {
        var harness = new Harness();
        var a1 = Events.Insert("A", sequence: "600000000000000000001");
        var a2 = Events.Modify("A", "PENDING", "SHIPPED", sequence: "600000000000000000002");
        var a3 = Events.Modify("A", "SHIPPED", "DONE", sequence: "600000000000000000003");
        var b1 = Events.Insert("B", sequence: "600000000000000000004");
        harness.Store.FailWhen = key => key == Audit.AuditKey.ForRecord("A", "600000000000000000002");

        var result = await harness.RunAsync(a1, a2, a3, b1);

        Assert.Equal(["600000000000000000002", "600000000000000000003"], result.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal((4, 2, 2), (result.Records, result.Audited, result.Failed));
        Assert.DoesNotContain(Audit.AuditKey.ForRecord("A", "600000000000000000003"), harness.Store.Objects.Keys);
        var error = Assert.Single(harness.Lines, line => line.Contains("\"ERROR\"", StringComparison.Ordinal));
        Assert.Contains(a2.EventId!, error, StringComparison.Ordinal);
        Assert.Contains("600000000000000000002", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_failure_after_the_write_is_retried_to_the_same_key()
    {
        var harness = new Harness();
        var record = Events.Modify("ORD-R", "PENDING", "FAILED");
        harness.Publisher.FailWhen = _ => true;

        var first = await harness.RunAsync(record);
        Assert.Equal(record.Dynamodb!.SequenceNumber, Assert.Single(first.BatchItemFailures).ItemIdentifier);
        Assert.Single(harness.Store.Objects);

        harness.Publisher.FailWhen = _ => false;
        var retry = await harness.RunAsync(record);
        Assert.Empty(retry.BatchItemFailures);
        Assert.Single(harness.Store.Objects);
        Assert.Equal(2, harness.Store.Writes.Count);
        Assert.Equal(record.EventId, Assert.Single(harness.Publisher.Published).Attributes["eventId"]);
    }

    [Fact]
    public async Task Transient_failures_are_retried_inside_the_batch()
    {
        var harness = new Harness(retryAttempts: 2);
        var calls = 0;
        harness.Store.FailWhen = _ => Interlocked.Increment(ref calls) <= 2;
        var result = await harness.RunAsync(Events.Insert("ORD-X"));
        Assert.Empty(result.BatchItemFailures);
        Assert.Equal(1, result.Audited);
    }

    [Fact]
    public async Task Random_store_failures_driven_through_redelivery_lose_nothing_and_duplicate_nothing()
    {
        var harness = new Harness(maxConcurrency: 8);
        var random = new Random(12345);
        var gate = new object();
        harness.Store.FailWhen = _ => { lock (gate) { return random.NextDouble() < 0.10; } };
        var records = Enumerable.Range(0, 300)
            .Select(i => i % 3 == 0 ? Events.Modify($"ORD-{i % 40}", "PENDING", "FAILED") : Events.Insert($"ORD-{i % 40}", "PENDING"))
            .ToList();

        // Lambda's contract for streams: redeliver from the lowest reported sequence number onward.
        IReadOnlyList<StreamRecord> pending = records;
        var rounds = 0;
        while (pending.Count > 0)
        {
            Assert.True(++rounds < 200, "redelivery did not converge");
            var result = await harness.Processor.ProcessAsync(pending);
            if (result.BatchItemFailures.Count == 0)
            {
                break;
            }

            var lowest = result.BatchItemFailures.Select(f => decimal.Parse(f.ItemIdentifier, System.Globalization.CultureInfo.InvariantCulture)).Min();
            pending = [.. pending.Where(r => decimal.Parse(r.Dynamodb!.SequenceNumber!, System.Globalization.CultureInfo.InvariantCulture) >= lowest)];
        }

        var expectedKeys = records.Select(r => Audit.AuditKey.ForRecord(r.Dynamodb!.NewImage!.Value.GetProperty("orderId").GetProperty("S").GetString()!, r.Dynamodb.SequenceNumber!)).ToHashSet();
        Assert.True(rounds > 1, "the failure rate should have forced at least one redelivery");
        Assert.Equal(expectedKeys.OrderBy(k => k, StringComparer.Ordinal), harness.Store.Objects.Keys.OrderBy(k => k, StringComparer.Ordinal));
        var alertedEvents = harness.Publisher.Published.Select(a => a.Attributes["eventId"]).ToHashSet();
        Assert.Equal(records.Where((_, i) => i % 3 == 0).Select(r => r.EventId!).ToHashSet(), alertedEvents);
    }

    [Fact]
    public async Task Concurrency_stays_within_the_bound_and_orders_run_in_parallel()
    {
        var harness = new Harness(maxConcurrency: 4);
        harness.Store.Latency = TimeSpan.FromMilliseconds(20);
        var result = await harness.RunAsync([.. Enumerable.Range(0, 20).Select(i => Events.Insert($"ORD-C{i}"))]);
        Assert.Equal(20, result.Audited);
        Assert.InRange(harness.Store.MaxConcurrentWrites, 2, 4);
    }

    [Fact]
    public async Task A_malformed_record_that_says_failed_still_alerts_and_is_not_a_failure()
    {
        var harness = new Harness();
        var image = new JsonObject { ["orderId"] = new JsonObject { ["S"] = "ORD-BAD" }, ["status"] = new JsonObject { ["S"] = "FAILED" } };
        var result = await harness.RunAsync(Events.Record("INSERT", newImage: image, keys: new JsonObject()));

        Assert.Equal((1, 1, 0), (result.Quarantined, result.Alerts, result.Failed));
        var alert = Assert.Single(harness.Publisher.Published);
        Assert.Equal("true", alert.Attributes["malformed"]);
        Assert.Equal("ORD-BAD", alert.Attributes["orderId"]);
        Assert.StartsWith("Order Failed (malformed record): ORD-BAD", alert.Subject, StringComparison.Ordinal);
        Assert.Contains("no timestamp", JsonDocument.Parse(alert.Message).RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_alerts_drop_the_images_with_a_note_but_the_audit_object_keeps_them()
    {
        var harness = new Harness();
        var image = Events.Item("ORD-BIG", status: "FAILED");
        image["notes"] = new JsonObject { ["S"] = new string('n', 300_000) };
        await harness.RunAsync(Events.Record("INSERT", newImage: image));

        var alert = Assert.Single(harness.Publisher.Published);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(alert.Message) <= AlertPolicy.MaxMessageBytes);
        var message = JsonDocument.Parse(alert.Message).RootElement;
        Assert.Contains("orders/ORD-BIG/", message.GetProperty("imagesOmitted").GetString(), StringComparison.Ordinal);
        Assert.Equal(300_000, harness.Single("orders/ORD-BIG/").GetProperty("newImage").GetProperty("notes").GetString()!.Length);
    }

    [Fact]
    public async Task Batch_line_and_emf_metrics_carry_the_counts()
    {
        var harness = new Harness(level: Observability.ProcessorLogLevel.Info);
        await harness.RunAsync(Events.Insert("ORD-M1", "FAILED"), Events.Record("INSERT", newImage: new JsonObject(), keys: new JsonObject()));

        Assert.DoesNotContain(harness.Lines, line => line.Contains("\"DEBUG\"", StringComparison.Ordinal));
        var batch = JsonDocument.Parse(Assert.Single(harness.Lines, l => l.Contains("Batch processed", StringComparison.Ordinal))).RootElement;
        Assert.Equal((2, 1, 1, 1), (batch.GetProperty("records").GetInt32(), batch.GetProperty("audited").GetInt32(), batch.GetProperty("quarantined").GetInt32(), batch.GetProperty("alerts").GetInt32()));
        var emf = JsonDocument.Parse(Assert.Single(harness.Lines, l => l.StartsWith("{\"_aws\"", StringComparison.Ordinal))).RootElement;
        var directive = emf.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("OrderMonitoring", directive.GetProperty("Namespace").GetString());
        Assert.Equal("Environment", directive.GetProperty("Dimensions")[0][0].GetString());
        foreach (var metric in directive.GetProperty("Metrics").EnumerateArray())
        {
            Assert.True(emf.TryGetProperty(metric.GetProperty("Name").GetString()!, out _));
        }

        Assert.Equal("test", emf.GetProperty("Environment").GetString());
        Assert.Equal(2, emf.GetProperty("RecordsProcessed").GetInt32());
        Assert.Equal(1, emf.GetProperty("AuditObjectsWritten").GetInt32());
        Assert.Equal(1, emf.GetProperty("RecordsQuarantined").GetInt32());
        Assert.Equal(1, emf.GetProperty("AlertsPublished").GetInt32());
        Assert.Equal(0, emf.GetProperty("RecordsFailed").GetInt32());
        Assert.True(emf.GetProperty("ProcessingLagMs").GetInt64() > 0);
    }
}
