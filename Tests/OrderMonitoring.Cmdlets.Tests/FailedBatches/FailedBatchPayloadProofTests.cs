using System.Net;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.FailedBatches;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.Cmdlets.Tests.Streams;
using OrderMonitoring.Processor.Lambda;

namespace OrderMonitoring.Cmdlets.Tests.FailedBatches;

/// <summary>
/// A batch kept whole is replayed with the stream's own records for its range, and only when its payload holds exactly
/// those records: whoever can write to the failed-batches bucket cannot turn a real range into forged history.
/// </summary>
public sealed class FailedBatchPayloadProofTests
{
    private const string StreamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/order-events-prod/stream/2026-01-01T00:00:00.000";

    private readonly FakeStreams _streams = new();
    private readonly FixedRange _range = new();
    private readonly ScriptedProcessor _processor = new();
    private readonly RecordingReporter _reporter = new();

    public FailedBatchPayloadProofTests()
    {
        _streams.AddShard("shardId-1", null, closed: true, 100, 101, 102);
        _range.Records = [Typed("e-100", "100", "ORD-1", "PENDING", "12.5"), Typed("e-101", "101", "ORD-2", "FAILED", "7")];
    }

    [Fact]
    public async Task The_same_records_written_another_way_are_replayed_as_the_streams_own()
    {
        // Lambda's payload names the stream, and a re-encoded copy may order members and sets differently and write 12.50 for 12.5.
        var store = Stored(
            Reordered("e-100", "100", "ORD-1", "PENDING", "12.50"),
            Reordered("e-101", "101", "ORD-2", "FAILED", "7.0"));
        var replayer = Replayer(store);

        var pending = await replayer.ReadPendingAsync("one", default);
        await replayer.ReplayAllAsync("replay", (_, _) => Task.FromResult(true), _reporter, default);

        Assert.Null(pending.Problem);
        Assert.Same(_range.Records, pending.Batch!.Records); // the stream's records, not the payload's
        Assert.Equal(["100", "101"], Assert.Single(_processor.Calls));
        Assert.True(store.Marked);
        Assert.Empty(_reporter.Failures);
        Assert.Equal(2, _range.Reads); // one range read per reading of the batch: the read above, then the run's own
    }

    public static TheoryData<string, string> Tampered => new()
    {
        { "image", "its record 2 (event id e-101, sequence number 101) differs from the stream's: NewImage.status is {\"S\":\"DELIVERED\"} in the payload but {\"S\":\"FAILED\"} in the stream" },
        { "key", "its record 1 (event id e-100, sequence number 100) differs from the stream's: Keys.orderId is {\"S\":\"ORD-X\"} in the payload but {\"S\":\"ORD-1\"} in the stream" },
        { "event name", "its record 2 (event id e-101, sequence number 101) differs from the stream's: its event name is 'REMOVE' in the payload but 'INSERT' in the stream" },
        { "old image", "its record 1 (event id e-100, sequence number 100) differs from the stream's: OldImage is in the payload but not in the stream's record" },
        { "set member", "its record 1 (event id e-100, sequence number 100) differs from the stream's: NewImage.tags is" },
        { "added", "its record 3 (event id e-forged, sequence number 101) is not in the stream (the payload has 3 record(s), the stream 2 in that range)" },
        { "inserted", "its record 2 (event id e-forged, sequence number 101) differs from the stream's: its event id is 'e-forged' in the payload but 'e-101' in the stream" },
        { "removed", "the stream holds record 2 (event id e-101, sequence number 101), which the payload lacks (the payload has 1 record(s), the stream 2 in that range)" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public async Task A_payload_that_is_not_the_streams_records_is_refused_naming_the_first_difference_and_nothing_is_written(string change, string why)
    {
        var forged = Typed("e-forged", "101", "ORD-2", "DELIVERED", "7");
        var payload = change switch
        {
            "image" => new[] { Typed("e-100", "100", "ORD-1", "PENDING", "12.5"), Typed("e-101", "101", "ORD-2", "DELIVERED", "7") },
            "key" => [Typed("e-100", "100", "ORD-X", "PENDING", "12.5", keyOrder: "ORD-X"), Typed("e-101", "101", "ORD-2", "FAILED", "7")],
            "event name" => [Typed("e-100", "100", "ORD-1", "PENDING", "12.5"), Typed("e-101", "101", "ORD-2", "FAILED", "7", eventName: "REMOVE")],
            "old image" => [Typed("e-100", "100", "ORD-1", "PENDING", "12.5", oldStatus: "NEW"), Typed("e-101", "101", "ORD-2", "FAILED", "7")],
            "set member" => [Typed("e-100", "100", "ORD-1", "PENDING", "12.5", tags: "\"a\",\"z\""), Typed("e-101", "101", "ORD-2", "FAILED", "7")],
            "added" => [.. _range.Records, forged],
            "inserted" => [_range.Records[0], forged, _range.Records[1]],
            _ => [_range.Records[0]],
        };
        var store = Stored(payload);

        await Replayer(store).ReplayAllAsync("replay", (_, _) => Task.FromResult(true), _reporter, default);

        var (error, target) = Assert.Single(_reporter.Failures);
        var refused = Assert.IsType<OrderMonitoringException>(error);
        Assert.Equal((FailedBatchOrigin.PayloadErrorId, FailureKind.InvalidState), (refused.ErrorId, refused.Kind));
        Assert.Contains(why, refused.Message, StringComparison.Ordinal);
        Assert.Contains("shard shardId-1, sequence numbers 100 to 101", refused.Message, StringComparison.Ordinal);
        Assert.Equal("s3://failed/one", target);
        Assert.Empty(_processor.Calls); // nothing written
        Assert.False(store.Marked); // stays pending
    }

    [Fact]
    public async Task A_stream_that_cannot_be_read_is_a_clear_error_not_a_replay()
    {
        _range.Failure = new AwsServiceException("DynamoDBStreams", "GetRecords", "InternalServerError", "The service failed.", null, HttpStatusCode.InternalServerError, isRetryable: true);
        var store = Stored(_range.Records.ToArray());

        await Replayer(store).ReplayAllAsync("replay", (_, _) => Task.FromResult(true), _reporter, default);

        var refused = Assert.IsType<OrderMonitoringException>(Assert.Single(_reporter.Failures).Error);
        Assert.Equal((FailedBatchOrigin.StreamUnreadableErrorId, FailureKind.OperationFailed), (refused.ErrorId, refused.Kind));
        Assert.Contains("could not be read from the stream to check its payload", refused.Message, StringComparison.Ordinal);
        Assert.Contains("The service failed.", refused.Message, StringComparison.Ordinal);
        Assert.Same(_range.Failure, refused.InnerException);
        Assert.Empty(_processor.Calls);
        Assert.False(store.Marked);
    }

    [Fact]
    public async Task Records_the_stream_no_longer_holds_are_refused_as_before()
    {
        _streams.TrimmedBefore["shardId-1"] = 101;
        var store = Stored(_range.Records.ToArray());
        var replayer = new FailedBatchReplayer(store, _processor, new StreamRangeReader(_streams), origin: new FailedBatchOrigin(StreamArn, _streams));

        await replayer.ReplayAllAsync("replay", (_, _) => Task.FromResult(true), _reporter, default);

        var refused = Assert.IsType<OrderMonitoringException>(Assert.Single(_reporter.Failures).Error);
        Assert.Equal(FailedBatchOrigin.ErrorId, refused.ErrorId);
        Assert.Contains("the stream no longer holds its records, so its payload cannot be checked against them", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_processor.Calls);
        Assert.False(store.Marked);
    }

    [Fact]
    public async Task A_batch_that_holds_only_its_range_is_not_read_twice()
    {
        var batch = new FailureRecord { StreamArn = StreamArn, ShardId = "shardId-1", StartSequenceNumber = "100", EndSequenceNumber = "101", BatchSize = 2 };

        var (proven, problem) = await Origin().ProveAsync("b", batch, default);

        Assert.Null(problem);
        Assert.Same(batch, proven);
        Assert.Equal(0, _range.Reads); // read once, when it is replayed
    }

    private FailedBatchReplayer Replayer(OneBatchSource store) => new(store, _processor, _range, origin: Origin());

    private FailedBatchOrigin Origin() => new(StreamArn, _streams, _range);

    private static OneBatchSource Stored(params StreamRecord[] records) =>
        new(FailureRecord.ToJson(new FailedRange(StreamArn, "shardId-1", "100", "101", records.Length, 0, null, null, records), records, DateTimeOffset.UnixEpoch));

    private static StreamRecord Typed(string eventId, string sequence, string orderId, string status, string amount, string eventName = "INSERT",
        string? keyOrder = null, string? oldStatus = null, string tags = "\"a\",\"b\"")
    {
        var oldImage = oldStatus is null ? "" : "\"OldImage\":{\"orderId\":{\"S\":\"@order\"},\"status\":{\"S\":\"@old\"}},".Replace("@old", oldStatus);
        return Parse("""
            {"Records":[{"eventID":"@event","eventName":"@name","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
              "dynamodb":{"ApproximateCreationDateTime":1767225600,"SequenceNumber":"@sequence","SizeBytes":90,"StreamViewType":"NEW_AND_OLD_IMAGES",
                "Keys":{"orderId":{"S":"@key"},"timestamp":{"N":"1767225600000"}}, @oldImage
                "NewImage":{"orderId":{"S":"@order"},"timestamp":{"N":"1767225600000"},"status":{"S":"@status"},"amount":{"N":"@amount"},
                  "tags":{"SS":[@tags]},"lines":{"L":[{"M":{"sku":{"S":"X-1"},"qty":{"N":"2"}}}]}}}}]}
            """.Replace("@oldImage", oldImage).Replace("@key", keyOrder ?? orderId).Replace("@name", eventName).Replace("@tags", tags),
            eventId, sequence, orderId, status, amount);
    }

    // The same record as Lambda's payload holds it (naming the stream) after another JSON writer: members and the set in another order.
    private static StreamRecord Reordered(string eventId, string sequence, string orderId, string status, string amount) =>
        Parse("""
            {"Records":[{"eventSourceARN":"@arn","dynamodb":{"NewImage":{"lines":{"L":[{"M":{"qty":{"N":"2.00"},"sku":{"S":"X-1"}}}]},"tags":{"SS":["b","a"]},
                "amount":{"N":"@amount"},"status":{"S":"@status"},"timestamp":{"N":"1767225600000"},"orderId":{"S":"@order"}},
                "Keys":{"timestamp":{"N":"1767225600000"},"orderId":{"S":"@order"}},"SequenceNumber":"@sequence","StreamViewType":"NEW_AND_OLD_IMAGES"},
              "awsRegion":"us-east-1","eventSource":"aws:dynamodb","eventVersion":"1.1","eventName":"INSERT","eventID":"@event"}]}
            """.Replace("@arn", StreamArn), eventId, sequence, orderId, status, amount);

    private static StreamRecord Parse(string template, string eventId, string sequence, string orderId, string status, string amount) =>
        StreamEvent.ParseRecords(template.Replace("@event", eventId).Replace("@sequence", sequence).Replace("@order", orderId)
            .Replace("@status", status).Replace("@amount", amount))[0];

    /// <summary>The stream's records for the batch's range, or a read that fails; counts the reads.</summary>
    private sealed class FixedRange : IStreamRangeSource
    {
        public IReadOnlyList<StreamRecord> Records { get; set; } = [];

        public Exception? Failure { get; set; }

        public int Reads { get; private set; }

        public Task<IReadOnlyList<StreamRecord>> ReadAsync(ShardRange range, CancellationToken cancellationToken)
        {
            Reads++;
            return Failure is { } failure ? Task.FromException<IReadOnlyList<StreamRecord>>(failure) : Task.FromResult(Records);
        }
    }
}
