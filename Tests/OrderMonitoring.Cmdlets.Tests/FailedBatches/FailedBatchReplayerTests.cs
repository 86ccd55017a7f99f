using System.Collections.Concurrent;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.TestSupport;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Lambda;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Orders;
using OrderMonitoring.Processor.Storage;
using OrderMonitoring.Cmdlets.FailedBatches;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.Cmdlets.Tests.Streams;

namespace OrderMonitoring.Cmdlets.Tests.FailedBatches;

/// <summary>Replaying a stored failure record: the same processor, the same audit keys, each batch marked once.</summary>
public sealed class FailedBatchReplayerTests
{
    private const string StreamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/order-events-test/stream/2026-01-01T00:00:00.000";

    [Fact]
    public async Task A_batch_replayed_from_a_stored_failure_record_writes_the_same_audit_keys_as_the_original_processing()
    {
        var records = EventRecords(("ORD-R1", "PENDING", "100000000000000000001"), ("ORD-R2", "FAILED", "100000000000000000002"));
        var original = new MemoryStore();
        await Processor(original, new MemoryPublisher()).ProcessAsync(records, default);

        var store = new MemoryFailedBatches();
        await new FailedBatchSink(store).KeepAsync(Range(records), default);
        var replayedStore = new MemoryStore();
        var alerts = new MemoryPublisher();
        var replayer = new FailedBatchReplayer(store, (Processor(replayedStore, alerts)), new NoStream());

        var pending = Assert.Single(await replayer.PlanAsync(default));
        var result = await replayer.ReplayAsync(pending, new RecordingReporter(), default);

        Assert.Equal(original.Objects.Keys.Order(StringComparer.Ordinal), replayedStore.Objects.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((2, 2, 1, 0), (result.Records, result.Audited, result.Alerts, result.Failed));
        Assert.Single(alerts.Published);
        Assert.Empty(await replayer.PlanAsync(default));
    }

    [Fact]
    public async Task A_batch_that_fails_again_is_not_marked_and_stays_pending()
    {
        var records = EventRecords(("ORD-AGAIN", "FAILED", "100000000000000000003"));
        var store = new MemoryFailedBatches();
        await new FailedBatchSink(store).KeepAsync(Range(records), default);
        var replayer = new FailedBatchReplayer(store, (Processor(new MemoryStore { Broken = true }, new MemoryPublisher())), new NoStream());
        var reporter = new RecordingReporter();

        var result = await replayer.ReplayAsync(Assert.Single(await replayer.PlanAsync(default)), reporter, default);

        Assert.Equal(1, result.Failed);
        Assert.Single(await replayer.PlanAsync(default));
        Assert.Contains(reporter.Warnings, w => w.Contains("not marked replayed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_replay_loop_asks_before_each_batch_reports_an_unreadable_one_and_replays_only_what_was_confirmed()
    {
        var store = new MemoryFailedBatches();
        await new FailedBatchSink(store).KeepAsync(Range(EventRecords(("ORD-YES", "PENDING", "100000000000000000010"))), default);
        await new FailedBatchSink(store).KeepAsync(Range(EventRecords(("ORD-NO", "PENDING", "100000000000000000011"))), default);
        store.Objects["aws/lambda/uuid/shardId-1/2026/01/01/2026-01-01T00.00.00-broken"] = "{}";
        var audited = new MemoryStore();
        var replayer = new FailedBatchReplayer(store, (Processor(audited, new MemoryPublisher())), new NoStream());
        var asked = new List<string>();
        var reporter = new RecordingReporter();

        await replayer.ReplayAllAsync("Replaying", (target, action) =>
        {
            asked.Add(target);
            // Only the batch that holds ORD-YES is confirmed.
            return Task.FromResult(store.Objects.Single(o => o.Key == target.Substring("s3://failed/".Length)).Value.Contains("ORD-YES", StringComparison.Ordinal));
        }, reporter, default);

        Assert.Equal(2, asked.Count);
        var failure = Assert.Single(reporter.Failures);
        Assert.Equal("FailedBatchUnreadable", Assert.IsType<OrderMonitoringException>(failure.Error).ErrorId);
        var result = Assert.IsType<OrderProcessorResult>(Assert.Single(reporter.Output));
        Assert.Equal((1, 1), (result.Records, result.Audited));
        Assert.Contains(audited.Objects.Keys, key => key.Contains("ORD-YES", StringComparison.Ordinal));
        Assert.DoesNotContain(audited.Objects.Keys, key => key.Contains("ORD-NO", StringComparison.Ordinal));
        Assert.Equal(2, (await replayer.PlanAsync(default)).Count);
        Assert.True(reporter.Progress[^1].Completed);
    }

    [Fact]
    public async Task The_replay_loop_reads_each_batch_just_before_its_turn_never_the_whole_backlog_first()
    {
        var store = new MemoryFailedBatches();
        for (var i = 0; i < 3; i++)
        {
            await new FailedBatchSink(store).KeepAsync(Range(EventRecords(($"ORD-LAZY-{i}", "PENDING", $"10000000000000000002{i}"))), default);
        }

        var replayer = new FailedBatchReplayer(store, (Processor(new MemoryStore(), new MemoryPublisher())), new NoStream());
        var readsAtEachConfirmation = new List<int>();

        await replayer.ReplayAllAsync("Replaying", (_, _) =>
        {
            readsAtEachConfirmation.Add(store.Reads);
            return Task.FromResult(true);
        }, new RecordingReporter(), default);

        Assert.Equal([1, 2, 3], readsAtEachConfirmation);
    }

    [Fact]
    public async Task A_large_backlog_is_listed_page_by_page_and_the_first_batch_is_replayed_before_the_next_page_is_listed()
    {
        var store = new MemoryFailedBatches { PageSize = 2 };
        for (var i = 0; i < 5; i++)
        {
            await new FailedBatchSink(store).KeepAsync(Range(EventRecords(($"ORD-PAGE-{i}", "PENDING", $"10000000000000000003{i}"))), default);
        }

        var replayer = new FailedBatchReplayer(store, Processor(new MemoryStore(), new MemoryPublisher()), new NoStream());
        var listedAtEachConfirmation = new List<int>();
        var reporter = new RecordingReporter();

        await replayer.ReplayAllAsync("Replaying", (_, _) =>
        {
            listedAtEachConfirmation.Add(store.KeysListed);
            return Task.FromResult(true);
        }, reporter, default);

        // Two keys listed before the first replay (one page), never the five of the whole backlog.
        Assert.Equal([2, 2, 4, 4, 5], listedAtEachConfirmation);
        Assert.Equal(5, store.Replayed.Count);
        Assert.Equal(5, reporter.Output.Length);
        var statuses = reporter.Progress.Where(p => !p.Completed).Select(p => (p.Status, p.PercentComplete)).ToList();
        Assert.Equal(("batch 1, 0 replayed, more pending", (int?)null), statuses[0]);
        Assert.Equal(("batch 4, 3 replayed, more pending", (int?)null), statuses[3]);
        Assert.Equal(("batch 5 of 5, 4 replayed", (int?)80), statuses[4]);
        Assert.Contains("5 of 5 failed batch(es) not yet replayed in s3://failed were replayed.", reporter.Verbose);
        Assert.Empty(await replayer.PlanAsync(default));
    }

    [Fact]
    public async Task A_metadata_only_record_reads_its_range_from_the_stream_and_names_the_range_when_the_stream_lost_it()
    {
        var store = new MemoryFailedBatches();
        store.Objects["aws/lambda/uuid/shardId-1/2026/01/01/2026-01-01T00.00.00-x"] = $$$"""
            {"requestContext":{"requestId":"r","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:f","condition":"RetryAttemptsExhausted","approximateInvokeCount":6},
             "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},"version":"1.0","timestamp":"2026-01-01T00:00:00.000Z",
             "DDBStreamBatchInfo":{"shardId":"shardId-1","startSequenceNumber":"500","endSequenceNumber":"700","batchSize":3,"streamArn":"{{{StreamArn}}}"}}
            """;
        var streams = new FakeStreams();
        streams.AddShard("shardId-1", null, closed: true, 400, 500, 600, 700, 800);
        var processor = new ScriptedProcessor();
        var replayer = new FailedBatchReplayer(store, processor, new StreamRangeReader(streams));

        var pending = Assert.Single(await replayer.PlanAsync(default));
        Assert.Contains("read back from the stream", pending.Description, StringComparison.Ordinal);
        await replayer.ReplayAsync(pending, new RecordingReporter(), default);
        Assert.Equal(["500", "600", "700"], Assert.Single(processor.Calls));

        var trimmed = new FakeStreams();
        trimmed.AddShard("shardId-1", null, closed: true, 800, 900);
        var gone = new FailedBatchReplayer(store, processor, new StreamRangeReader(trimmed));
        store.Replayed.Clear();
        var error = await Assert.ThrowsAsync<OrderMonitoringException>(async () => await gone.ReplayAsync(Assert.Single(await gone.PlanAsync(default)), new RecordingReporter(), default));
        Assert.Equal("FailedBatchExpired", error.ErrorId);
        Assert.Contains("shard shardId-1, sequence numbers 500 to 700", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_whose_payload_is_an_object_reads_like_one_whose_payload_is_a_string_and_other_documents_are_refused()
    {
        var records = EventRecords(("ORD-P", "PENDING", "100000000000000000009"));
        var json = FailureRecord.ToJson(Range(records), records, DateTimeOffset.UnixEpoch);
        var asString = FailureRecord.Parse("a", json);
        var asObject = FailureRecord.Parse("b", ObjectPayload(json));
        Assert.Equal(asString.Records!.Select(r => r.Dynamodb!.SequenceNumber), asObject.Records!.Select(r => r.Dynamodb!.SequenceNumber));

        var error = Assert.Throws<OrderMonitoringException>(() => FailureRecord.Parse("s3://b/k", """{"Records":[]}"""));
        Assert.Equal("FailedBatchUnreadable", error.ErrorId);
    }

    [Fact]
    public void Local_keys_follow_lambdas_layout_with_local_for_the_mapping() =>
        Assert.Equal("aws/lambda/local/shardId-1/2026/03/04/2026-03-04T05.06.07-00000000-0000-0000-0000-000000000001",
            S3FailedBatchStore.LocalKey("shardId-1", new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero), new Guid("00000000-0000-0000-0000-000000000001")));

    private static string ObjectPayload(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node["payload"] = System.Text.Json.Nodes.JsonNode.Parse((string)node["payload"]!);
        return node.ToJsonString();
    }

    private static InProcessRecordProcessor Processor(IAuditStore store, IAlertPublisher alerts)
    {
        var options = new BatchProcessorOptions { Environment = "test", RetryAttempts = 0, LogSink = new JsonLogger(_ => { }), Time = new SteppingTime(DateTimeOffset.UnixEpoch) };
        var processor = new BatchProcessor(options);
        return new InProcessRecordProcessor(processor, new OrderRecordHandler(store, alerts, processor.Log, options));
    }

    private static FailedRange Range(IReadOnlyList<StreamRecord> records) =>
        new(StreamArn, "shardId-1", records[0].Dynamodb!.SequenceNumber!, records[records.Count - 1].Dynamodb!.SequenceNumber!, records.Count, 5, null, null, records);

    private static IReadOnlyList<StreamRecord> EventRecords(params (string OrderId, string Status, string Sequence)[] orders) =>
        StreamEvent.ParseRecords("{\"Records\":[" + string.Join(",", orders.Select(o => $$$$"""
            {"eventID":"e-{{{{o.Sequence}}}}","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1","eventSourceARN":"{{{{StreamArn}}}}",
             "dynamodb":{"ApproximateCreationDateTime":1767225600,"SequenceNumber":"{{{{o.Sequence}}}}","SizeBytes":60,"StreamViewType":"NEW_AND_OLD_IMAGES",
              "Keys":{"orderId":{"S":"{{{{o.OrderId}}}}"},"timestamp":{"N":"1767225600000"}},
              "NewImage":{"orderId":{"S":"{{{{o.OrderId}}}}"},"timestamp":{"N":"1767225600000"},"status":{"S":"{{{{o.Status}}}}"} } } }
            """)) + "]}");

    private sealed class MemoryFailedBatches : IFailedBatchStore
    {
        public ConcurrentDictionary<string, string> Objects { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, string> Replayed { get; } = new(StringComparer.Ordinal);

        public string Location => "s3://failed";

        public string WhenReplayed => "mark the batch replayed";

        public string SourceOf(string key) => $"{Location}/{key}";

        /// <summary>Keys per page, as ListObjectsV2's MaxKeys.</summary>
        public int PageSize { get; init; } = 1000;

        /// <summary>How many keys have been listed so far, over every page.</summary>
        public int KeysListed { get; private set; }

        // Like S3: a page of records in key order, less the replayed ones; the next page starts after its last record.
        public Task<PendingPage> ListPendingPageAsync(string? next, CancellationToken cancellationToken)
        {
            var page = Objects.Keys.Order(StringComparer.Ordinal).Where(k => next is null || string.CompareOrdinal(k, next) > 0).Take(PageSize).ToList();
            KeysListed += page.Count;
            var more = page.Count == PageSize && Objects.Keys.Any(k => string.CompareOrdinal(k, page[^1]) > 0);
            return Task.FromResult(new PendingPage(page.Where(k => !Replayed.ContainsKey(k)).ToList(), more ? page[^1] : null));
        }

        public int Reads { get; private set; }

        public Task<string> ReadAsync(string key, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(Objects[key]);
        }

        public Task PutAsync(string key, string json, CancellationToken cancellationToken)
        {
            Assert.StartsWith("aws/lambda/local/shardId-1/", key, StringComparison.Ordinal);
            Objects[key] = json;
            return Task.CompletedTask;
        }

        public Task MarkReplayedAsync(string key, string note, CancellationToken cancellationToken)
        {
            Replayed[key] = note;
            return Task.CompletedTask;
        }
    }

    private sealed class MemoryStore : IAuditStore
    {
        public ConcurrentDictionary<string, string> Objects { get; } = new(StringComparer.Ordinal);

        public bool Broken { get; init; }

        public Task PutAsync(string key, string json, CancellationToken cancellationToken)
        {
            if (Broken)
            {
                throw new IOException("store down");
            }

            Objects[key] = json;
            return Task.CompletedTask;
        }
    }

    private sealed class MemoryPublisher : IAlertPublisher
    {
        public ConcurrentQueue<Alert> Published { get; } = new();

        public Task PublishAsync(Alert alert, CancellationToken cancellationToken)
        {
            Published.Enqueue(alert);
            return Task.CompletedTask;
        }
    }

    private sealed class NoStream : IStreamRangeSource
    {
        public Task<IReadOnlyList<StreamRecord>> ReadAsync(ShardRange range, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A whole record must not be read from the stream.");
    }
}
