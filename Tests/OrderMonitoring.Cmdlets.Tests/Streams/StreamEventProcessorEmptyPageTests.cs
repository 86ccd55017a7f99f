using OrderMonitoring.TestSupport;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.Tests.Streams;

public sealed class StreamEventProcessorEmptyPageTests
{
    private const string Arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1";
    // Polls and back-offs take no real time.
    private static TimeProvider NoDelay => new SteppingTime(DateTimeOffset.UnixEpoch);

    private static async Task<(OrderProcessorResult Result, ScriptedProcessor Processor)> RunAsync(EmptyPageStreams streams, StreamReaderOptions options)
    {
        var processor = new ScriptedProcessor();
        var result = await new StreamEventProcessor(streams, processor, new MemoryCheckpoints(), new MemoryFailureQueue(), options, NoDelay)
            .RunAsync(Arn, NullOperationReporter.Instance, default);
        return (result, processor);
    }

    [Fact]
    public async Task An_open_shard_is_read_past_empty_pages_that_come_before_later_records()
    {
        var streams = new EmptyPageStreams();
        streams.Inner.AddShard("s", null, closed: false, 1, 2, 3, 4, 5);
        streams.EmptyPagesAt["s|2"] = 2;

        var (result, processor) = await RunAsync(streams, new StreamReaderOptions { PageSize = 2 });

        Assert.Equal(5, result.Records);
        Assert.Equal(new[] { "1", "2", "3", "4", "5" }, processor.Calls.SelectMany(c => c));
    }

    [Fact]
    public async Task An_open_shard_counts_as_drained_after_the_configured_empty_pages_in_a_row()
    {
        var streams = new EmptyPageStreams();
        streams.Inner.AddShard("s", null, closed: false, 1, 2, 3);
        streams.EmptyPagesAt["s|2"] = 2;

        var (result, _) = await RunAsync(streams, new StreamReaderOptions { PageSize = 2, EmptyPagesToDrainOpenShard = 2 });

        // Two empty pages in a row end the run before record 3; the tip of the shard is never read.
        Assert.Equal(2, result.Records);
        Assert.Equal(3, streams.GetRecordsCalls);
    }

    [Fact]
    public async Task A_drained_open_shard_costs_the_configured_number_of_empty_reads_at_its_tip()
    {
        var streams = new EmptyPageStreams();
        streams.Inner.AddShard("s", null, closed: false, 1, 2);

        var (result, _) = await RunAsync(streams, new StreamReaderOptions());

        Assert.Equal(2, result.Records);
        Assert.Equal(1 + 3, streams.GetRecordsCalls); // the page with both records, then the default 3 empty pages
    }

    [Fact]
    public async Task A_closed_shard_ends_where_the_service_ends_it_whatever_the_open_shard_setting()
    {
        var streams = new EmptyPageStreams();
        streams.Inner.AddShard("s", null, closed: true, 1, 2, 3, 4);
        streams.EmptyPagesAt["s|2"] = 5;

        var (result, _) = await RunAsync(streams, new StreamReaderOptions { PageSize = 2, EmptyPagesToDrainOpenShard = 1 });

        Assert.Equal(4, result.Records);
    }

    /// <summary>The in-memory stream, answering a given number of empty pages at chosen positions first, as the service can.</summary>
    private sealed class EmptyPageStreams : IAmazonDynamoDBStreams
    {
        public FakeStreams Inner { get; } = new();

        /// <summary>Iterator ("shard|position") to the number of empty pages still to answer there.</summary>
        public Dictionary<string, int> EmptyPagesAt { get; } = new(StringComparer.Ordinal);

        public int GetRecordsCalls { get; private set; }

        public Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default) =>
            Inner.ListStreamsAsync(request, cancellationToken);

        public Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default) =>
            Inner.DescribeStreamAsync(request, cancellationToken);

        public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) =>
            Inner.GetShardIteratorAsync(request, cancellationToken);

        public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
        {
            GetRecordsCalls++;
            if (EmptyPagesAt.TryGetValue(request.ShardIterator, out var left) && left > 0)
            {
                EmptyPagesAt[request.ShardIterator] = left - 1;
                return Task.FromResult(new GetRecordsResponse { Records = new List<StreamRecord>(), NextShardIterator = request.ShardIterator });
            }

            return Inner.GetRecordsAsync(request, cancellationToken);
        }

        public void Dispose() => Inner.Dispose();
    }
}
