using OrderMonitoring.Cmdlets.FailedBatches;
using OrderMonitoring.Cmdlets.FailedBatches.LegacyQueue;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.Cmdlets.Tests.Streams;

namespace OrderMonitoring.Cmdlets.Tests.FailedBatches;

/// <summary>Metadata-only records in an older stack's failure queue: read back from the stream, deleted only once replayed.</summary>
public sealed class FailureQueueBatchesTests
{
    private const string QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/order-processor-failures-test";
    private const string StreamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/order-events-test/stream/2026-01-01T00:00:00.000";

    [Fact]
    public async Task A_metadata_only_message_is_read_back_from_the_stream_replayed_and_then_deleted()
    {
        var queue = new FakeFailureQueue();
        queue.Send("m-1", Metadata("shardId-1", "500", "700", 3), sentAt: 2);
        var streams = new FakeStreams();
        streams.AddShard("shardId-1", null, closed: true, 400, 500, 600, 700, 800);
        var processor = new ScriptedProcessor();
        var replayer = new FailedBatchReplayer(new FailureQueueBatches(queue), processor, new StreamRangeReader(streams));

        var pending = Assert.Single(await replayer.PlanAsync(default));
        Assert.Equal($"{QueueUrl} (message m-1)", pending.Source);
        Assert.Contains("read back from the stream (shard shardId-1, sequence numbers 500 to 700", pending.Description, StringComparison.Ordinal);
        Assert.Empty(queue.Deleted); // listing only holds the message

        var result = await replayer.ReplayAsync(pending, new RecordingReporter(), default);

        Assert.Equal(["500", "600", "700"], Assert.Single(processor.Calls));
        Assert.Equal((3, 0), (result.Records, result.Failed));
        Assert.Equal(["receipt-m-1-1"], queue.Deleted);
        Assert.Empty(queue.Visible);
    }

    [Fact]
    public async Task A_range_the_stream_no_longer_has_is_named_in_FailedBatchExpired_and_its_message_stays_in_the_queue()
    {
        var queue = new FakeFailureQueue();
        queue.Send("m-old", Metadata("shardId-1", "500", "700", 3), sentAt: 1);
        var trimmed = new FakeStreams();
        trimmed.AddShard("shardId-1", null, closed: true, 800, 900);
        var source = new FailureQueueBatches(queue);
        var replayer = new FailedBatchReplayer(source, new ScriptedProcessor(), new StreamRangeReader(trimmed));

        var pending = Assert.Single(await replayer.PlanAsync(default));
        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => replayer.ReplayAsync(pending, new RecordingReporter(), default));
        var stuck = await source.ReleaseAsync(default);

        Assert.Equal("FailedBatchExpired", error.ErrorId);
        Assert.Contains("shard shardId-1, sequence numbers 500 to 700", error.Message, StringComparison.Ordinal);
        Assert.Empty(queue.Deleted);
        Assert.Empty(stuck);
        Assert.Equal(["m-old"], queue.Visible);
    }

    [Fact]
    public async Task A_batch_that_fails_again_is_not_deleted_and_is_released_for_the_next_run()
    {
        var queue = new FakeFailureQueue();
        queue.Send("m-2", Metadata("shardId-1", "600", "600", 1), sentAt: 1);
        var streams = new FakeStreams();
        streams.AddShard("shardId-1", null, closed: true, 500, 600, 700);
        var processor = new ScriptedProcessor();
        processor.FailuresLeft["600"] = 1;
        var source = new FailureQueueBatches(queue);
        var replayer = new FailedBatchReplayer(source, processor, new StreamRangeReader(streams));

        var result = await replayer.ReplayAsync(Assert.Single(await replayer.PlanAsync(default)), new RecordingReporter(), default);
        await source.ReleaseAsync(default);

        Assert.Equal(1, result.Failed);
        Assert.Empty(queue.Deleted);
        Assert.Equal(["m-2"], queue.Visible);
    }

    [Fact]
    public async Task Planning_alone_deletes_nothing_lists_oldest_first_and_release_makes_every_message_visible_again()
    {
        var queue = new FakeFailureQueue { PerReceive = 2 };
        queue.Send("m-late", Metadata("shardId-1", "900", "900", 1), sentAt: 30);
        queue.Send("m-early", Metadata("shardId-1", "100", "100", 1), sentAt: 10);
        queue.Send("m-local", LocalRunMessage(), sentAt: 20);
        var source = new FailureQueueBatches(queue);
        var replayer = new FailedBatchReplayer(source, new ScriptedProcessor(), new StreamRangeReader(new FakeStreams()));

        var pending = await replayer.PlanAsync(default);
        Assert.Empty(queue.Visible); // held while the run decides

        Assert.Equal(["m-early", "m-local", "m-late"], pending.Select(batch => batch.Key));
        Assert.All(pending, batch => Assert.Null(batch.Problem));
        Assert.Equal("shard shardId-1, sequence numbers 300 to 301 of " + StreamArn, pending[1].Batch!.Range);
        Assert.Equal(FailureQueueBatches.Hold, queue.HoldAsked);
        Assert.Empty(await source.ReleaseAsync(default));
        Assert.Empty(queue.Deleted);
        Assert.Equal(["m-early", "m-late", "m-local"], queue.Visible.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_stack_with_neither_a_bucket_nor_a_queue_is_FailedBatchesBucketMissing_and_the_queue_comes_before_the_bucket()
    {
        var neither = new OrderStackResources("order-monitoring-test", "test", "order-events-test", StreamArn, "audit", "topic", FailureQueueUrl: null);
        var error = Assert.Throws<OrderMonitoringException>(() => new FailedBatchSources(neither, _ => throw new InvalidOperationException(), _ => new FakeFailureQueue()));
        Assert.Equal(("FailedBatchesBucketMissing", FailureKind.InvalidState), (error.ErrorId, error.Kind));
        Assert.DoesNotContain("Get-OrderMonitoringStatus", error.Message, StringComparison.Ordinal);

        var queueOnly = new FailedBatchSources(neither with { FailureQueueUrl = QueueUrl }, _ => throw new InvalidOperationException(), _ => new FakeFailureQueue());
        Assert.Equal([QueueUrl], queueOnly.All.Select(source => source.Location));
        Assert.Null(queueOnly.Bucket);
        Assert.Contains("replayed above", FailedBatchSources.BucketMissing("order-monitoring-test", queueReplayed: true).Message, StringComparison.Ordinal);
    }

    /// <summary>Lambda's SQS on-failure document for a DynamoDB stream batch: the metadata, no payload.</summary>
    private static string Metadata(string shardId, string start, string end, int size) => $$$"""
        {"requestContext":{"requestId":"r-{{{start}}}","functionArn":"arn:aws:lambda:us-east-1:123456789012:function:order-processor-test","condition":"RetryAttemptsExhausted","approximateInvokeCount":3},
         "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},"version":"1.0","timestamp":"2026-01-01T00:00:00.000Z",
         "DDBStreamBatchInfo":{"shardId":"{{{shardId}}}","startSequenceNumber":"{{{start}}}","endSequenceNumber":"{{{end}}}",
          "approximateArrivalOfFirstRecord":"2026-01-01T00:00:00Z","approximateArrivalOfLastRecord":"2026-01-01T00:00:00Z","batchSize":{{{size}}},"streamArn":"{{{StreamArn}}}"}}
        """;

    /// <summary>What the local run sent to the queue of a stack without the failed-batches bucket.</summary>
    private static string LocalRunMessage() =>
        FailureRecord.ToJson(new FailedRange(StreamArn, "shardId-1", "300", "301", 2, 2, null, null), records: null, DateTimeOffset.UnixEpoch);

    /// <summary>An SQS queue in memory: received messages are hidden until deleted or released; each receive gets a new receipt handle.</summary>
    private sealed class FakeFailureQueue : IFailureQueueClient
    {
        private readonly List<(string Id, string Body, long SentAt)> _messages = new();
        private readonly HashSet<string> _hidden = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _handles = new(StringComparer.Ordinal);
        private int _receives;

        public int PerReceive { get; init; } = 10;

        public string QueueUrl => FailureQueueBatchesTests.QueueUrl;

        public List<string> Deleted { get; } = new();

        public TimeSpan? HoldAsked { get; private set; }

        public IEnumerable<string> Visible => _messages.Where(m => !_hidden.Contains(m.Id)).Select(m => m.Id);

        public void Send(string id, string body, long sentAt) => _messages.Add((id, body, sentAt));

        public Task<IReadOnlyList<QueuedFailure>> ReceiveAsync(TimeSpan hold, CancellationToken cancellationToken)
        {
            HoldAsked = hold;
            _receives++;
            var taken = _messages.Where(m => !_hidden.Contains(m.Id)).Take(PerReceive).ToList();
            foreach (var message in taken)
            {
                _hidden.Add(message.Id);
                _handles[message.Id] = $"receipt-{message.Id}-{_receives}";
            }

            return Task.FromResult<IReadOnlyList<QueuedFailure>>(taken
                .Select(m => new QueuedFailure(m.Id, m.Body, _handles[m.Id], DateTimeOffset.FromUnixTimeSeconds(m.SentAt))).ToList());
        }

        public Task DeleteAsync(string receiptHandle, CancellationToken cancellationToken)
        {
            var id = IdOf(receiptHandle);
            Deleted.Add(receiptHandle);
            _messages.RemoveAll(m => m.Id == id);
            return Task.CompletedTask;
        }

        public Task ReleaseAsync(string receiptHandle, CancellationToken cancellationToken)
        {
            _hidden.Remove(IdOf(receiptHandle));
            return Task.CompletedTask;
        }

        private string IdOf(string receiptHandle) =>
            _handles.Single(pair => pair.Value == receiptHandle).Key;
    }
}
