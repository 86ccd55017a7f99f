using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.FailedBatches;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.Cmdlets.Tests.Streams;

namespace OrderMonitoring.Cmdlets.Tests.FailedBatches;

/// <summary>A stored failed batch is replayed only when it names this stack's stream, a shard of it and a range that shard holds.</summary>
public sealed class FailedBatchOriginTests
{
    private const string StreamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/order-events-prod/stream/2026-01-01T00:00:00.000";
    private const string OtherStream = "arn:aws:dynamodb:us-east-1:999999999999:table/order-events-prod/stream/2026-01-01T00:00:00.000";

    private readonly CountingStreams _streams = new();

    public FailedBatchOriginTests()
    {
        _streams.Inner.AddShard("shardId-closed", null, closed: true, 100, 101, 102, 103);
        _streams.Inner.AddShard("shardId-open", "shardId-closed", closed: false, 200, 201);
        _streams.Inner.AddShard("shardId-third", null, closed: false, 300);
    }

    [Theory]
    [InlineData("shardId-closed", "100", "103")]
    [InlineData("shardId-closed", "101", "102")]
    [InlineData("shardId-open", "200", "999")] // an open shard holds whatever comes after its first record
    public async Task A_batch_of_this_stacks_stream_inside_a_listed_shard_is_accepted(string shard, string start, string end) =>
        Assert.Null(await Origin().ProblemAsync("s3://failed/b1", Batch(StreamArn, shard, start, end), CancellationToken.None));

    [Fact]
    public async Task A_batch_that_names_another_stream_is_refused_naming_both_streams()
    {
        var problem = await Origin().ProblemAsync("s3://failed/b1", Batch(OtherStream, "shardId-closed", "100", "101"), CancellationToken.None);

        Assert.Equal((FailedBatchOrigin.ErrorId, FailureKind.InvalidState), (problem?.ErrorId, problem?.Kind));
        Assert.Contains(OtherStream, problem!.Message, StringComparison.Ordinal);
        Assert.Contains($"this stack's stream is {StreamArn}", problem.Message, StringComparison.Ordinal);
        Assert.Contains("s3://failed/b1", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Invoke-OrderEventProcessor -Path", problem.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(0, _streams.Describes); // refused without asking the stream anything
    }

    [Theory]
    [InlineData("shardId-unknown", "100", "101", "has no shard shardId-unknown")]
    [InlineData("shardId-closed", "99", "101", "outside shard shardId-closed, which holds sequence numbers 100 to 103")]
    [InlineData("shardId-closed", "102", "104", "outside shard shardId-closed")]
    [InlineData("shardId-open", "150", "201", "outside shard shardId-open, which holds sequence numbers 200 to now (open)")]
    [InlineData("shardId-closed", "102", "101", "ends before it starts")]
    public async Task A_range_the_stream_does_not_hold_is_refused(string shard, string start, string end, string why)
    {
        var problem = await Origin().ProblemAsync("queue message 7", Batch(StreamArn, shard, start, end), CancellationToken.None);

        Assert.Equal(FailedBatchOrigin.ErrorId, problem?.ErrorId);
        Assert.Contains(why, problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_kept_whole_must_name_the_same_stream_and_lie_inside_the_range()
    {
        var foreign = await Origin().ProblemAsync("b", Batch(StreamArn, "shardId-closed", "100", "101", Record("e-1", "100", StreamArn), Record("e-2", "101", OtherStream)), CancellationToken.None);
        var outside = await Origin().ProblemAsync("b", Batch(StreamArn, "shardId-closed", "100", "101", Record("e-1", "100", StreamArn), Record("e-9", "103", StreamArn)), CancellationToken.None);
        var fine = await Origin().ProblemAsync("b", Batch(StreamArn, "shardId-closed", "100", "101", Record("e-1", "100", StreamArn), Record("e-2", "101", null)), CancellationToken.None);

        Assert.Contains($"its record e-2 names the stream {OtherStream}", foreign?.Message, StringComparison.Ordinal);
        Assert.Contains("its record e-9 has sequence number '103', outside the batch's range", outside?.Message, StringComparison.Ordinal);
        Assert.Null(fine);
    }

    [Fact]
    public async Task A_stack_that_names_no_stream_can_have_nothing_replayed()
    {
        var problem = await new FailedBatchOrigin(null, _streams).ProblemAsync("b", Batch(StreamArn, "shardId-closed", "100", "101"), CancellationToken.None);

        Assert.Contains("the stack names no stream", problem?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_streams_shards_are_read_once_for_every_batch_of_a_run()
    {
        var origin = Origin();

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await origin.ProblemAsync($"b{i}", Batch(StreamArn, "shardId-third", "300", "300"), CancellationToken.None));
        }

        Assert.Equal(1, _streams.Describes); // one DescribeStream (all its pages) for the run
    }

    [Fact]
    public async Task A_refused_batch_is_reported_never_processed_and_stays_pending()
    {
        var store = new OneBatchSource(FailureRecord.ToJson(
            new FailedRange(OtherStream, "shardId-closed", "100", "101", 2, 0, null, null, [Record("e-1", "100", OtherStream), Record("e-2", "101", OtherStream)]),
            [Record("e-1", "100", OtherStream), Record("e-2", "101", OtherStream)], DateTimeOffset.UnixEpoch));
        var processor = new ScriptedProcessor();
        var reporter = new RecordingReporter();
        var replayer = new FailedBatchReplayer(store, processor, new StreamRangeReader(_streams), origin: Origin());

        await replayer.ReplayAllAsync("replay", (_, _) => Task.FromResult(true), reporter, CancellationToken.None);

        var (error, target) = Assert.Single(reporter.Failures);
        Assert.Equal(FailedBatchOrigin.ErrorId, Assert.IsType<OrderMonitoringException>(error).ErrorId);
        Assert.Equal("s3://failed/one", target);
        Assert.Empty(processor.Calls);
        Assert.False(store.Marked);
        Assert.Equal(0, _streams.Inner.GetRecordsCalls); // nothing was read from the stream it names
    }

    private FailedBatchOrigin Origin() => new(StreamArn, _streams);

    private static FailureRecord Batch(string stream, string shard, string start, string end, params StreamRecord[] records) => new()
    {
        StreamArn = stream, ShardId = shard, StartSequenceNumber = start, EndSequenceNumber = end, BatchSize = Math.Max(1, records.Length),
        Records = records.Length == 0 ? null : records,
    };

    private static StreamRecord Record(string eventId, string sequence, string? stream) => new()
    {
        EventId = eventId, EventName = "INSERT", EventSource = "aws:dynamodb", EventSourceArn = stream, Dynamodb = new StreamRecordData { SequenceNumber = sequence },
    };

    /// <summary>The fake stream, counting how often its shards are listed from the start.</summary>
    private sealed class CountingStreams : IAmazonDynamoDBStreams
    {
        public FakeStreams Inner { get; } = new();

        public int Describes { get; private set; }

        public Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default)
        {
            Describes += request.ExclusiveStartShardId is null ? 1 : 0;
            return Inner.DescribeStreamAsync(request, cancellationToken);
        }

        public Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default) => Inner.ListStreamsAsync(request, cancellationToken);

        public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) =>
            Inner.GetShardIteratorAsync(request, cancellationToken);

        public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default) => Inner.GetRecordsAsync(request, cancellationToken);

        public void Dispose() => Inner.Dispose();
    }
}
