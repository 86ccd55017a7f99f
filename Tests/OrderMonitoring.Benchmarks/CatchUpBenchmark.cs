using System.Diagnostics;
using System.Globalization;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.TestSupport;
using KeySchemaElement = Amazon.DynamoDBv2.Model.KeySchemaElement;
using StreamViewType = Amazon.DynamoDBv2.StreamViewType;

namespace OrderMonitoring.Benchmarks;

/// <summary>
/// Catching up after an outage: records waiting in a moto stream (the table's real stream records), drained by
/// Invoke-OrderEventProcessor -FromStream's reader with its defaults, the audit writes and alerts going to an endpoint
/// that answers each call after 20 ms. Goals: at least 1,500 records/s at 20,000 records, the time linear from 2,000
/// to 20,000 (at most 11x for 10x the records), and every record audited exactly once (the audit keys counted).
/// Moto runs on the same two cores and serves the stream reads, so the rate includes its share of the machine: moto
/// spends about 0.45 ms of CPU per record on GetRecords in one Python thread (catchup-diagnose), which caps one shard
/// at roughly 2,000-2,300 records/s with a whole core to itself. The same pages are then served by an endpoint that
/// answers like DynamoDB Streams (after 20 ms per call) to show our side's rate alone; the goals are judged on moto's.
/// </summary>
internal static class CatchUpBenchmark
{
    private const int EventsPerOrder = 5;
    private const int Concurrency = 64;
    internal static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(20);
    private static readonly AWSCredentials Credentials = new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey);

    public static async Task<int> RunAsync()
    {
        using var moto = await MotoServer.StartAsync().ConfigureAwait(false);
        Console.WriteLine($"Catch-up benchmark: records waiting in a moto stream; audit writes and alerts through an endpoint that adds {Latency.TotalMilliseconds:0} ms per call; default batch size {StreamReaderOptions.DefaultBatchSize}, {Concurrency} orders at once.");
        await MeasureAsync(moto, 500).ConfigureAwait(false); // warm-up: JIT, connection pools
        var (small, _) = await MeasureAsync(moto, 2_000).ConfigureAwait(false);
        var (large, pages) = await MeasureAsync(moto, 20_000).ConfigureAwait(false);
        var fast = await MeasureFromFakeStreamAsync(pages).ConfigureAwait(false);

        var rate = 20_000 / large.TotalSeconds;
        var ratio = large.TotalSeconds / small.TotalSeconds;
        var met = rate >= 1_500 && ratio <= 11;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  2,000 records: {small.TotalSeconds:0.00} s ({2_000 / small.TotalSeconds:N0}/s); 20,000 records: {large.TotalSeconds:0.00} s ({rate:N0}/s, goal >= 1,500/s); 10x the records took {ratio:0.00}x the time (goal <= 11x)  [{(met ? "met" : "MISSED")}]"));
        // Our side alone: the same pages from a stream that answers like DynamoDB Streams (not judged: the goal is moto's).
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  The same 20,000 records from a stream that answers every call after {Latency.TotalMilliseconds:0} ms instead of moto: {fast.TotalSeconds:0.00} s ({20_000 / fast.TotalSeconds:N0}/s)"));
        Console.WriteLine(met ? "The catch-up scenario met its goals." : "The catch-up scenario missed its goals.");
        return met ? 0 : 1;
    }

    /// <summary>Fills a moto stream with <paramref name="records"/> and catches up on it; returns the time and the pages read.</summary>
    internal static async Task<(TimeSpan Elapsed, List<GetRecordsResponse> Pages)> MeasureAsync(MotoServer moto, int records, int? pagesAhead = null, int? batchesInFlight = null)
    {
        var motoClients = new AwsClientFactory(new AwsConnection(RegionEndpoint.USEast1, Credentials, moto.Endpoint));
        using var dynamoDb = motoClients.CreateDynamoDB();
        using var streams = motoClients.CreateDynamoDBStreams();
        var table = $"catch-up-{records}-{Guid.NewGuid():N}".Substring(0, 40);
        var streamArn = await FillStreamAsync(dynamoDb, table, records).ConfigureAwait(false);
        var timedStreams = new TimedStreams(streams);
        var elapsed = await CatchUpAsync(timedStreams, streamArn, records, moto.ProcessId, pagesAhead, batchesInFlight).ConfigureAwait(false);
        return (elapsed, timedStreams.Pages);
    }

    /// <summary>The pages moto answered, served by an endpoint that answers each call after <see cref="Latency"/>, through our Streams client.</summary>
    private static async Task<TimeSpan> MeasureFromFakeStreamAsync(List<GetRecordsResponse> pages)
    {
        var options = new System.Text.Json.JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        using var stream = new FakeAwsEndpoint(Latency);
        stream.StreamPages = pages.Select((page, i) => System.Text.Json.JsonSerializer.Serialize(new GetRecordsResponse
        {
            Records = page.Records, NextShardIterator = i + 1 < pages.Count ? (i + 1).ToString(CultureInfo.InvariantCulture) : null,
        }, options)).ToList();
        using var streams = new AwsClientFactory(new AwsConnection(RegionEndpoint.USEast1, Credentials, new Uri(stream.Url))).CreateDynamoDBStreams();
        return await CatchUpAsync(new TimedStreams(streams), "arn:aws:dynamodb:us-east-1:123456789012:table/fake/stream/1", pages.Sum(page => page.Records.Count), null)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Invoke-OrderEventProcessor -FromStream's reader with its defaults over <paramref name="streams"/>, writes through an
    /// endpoint that answers after <see cref="Latency"/>; checks every record was audited exactly once.
    /// </summary>
    private static async Task<TimeSpan> CatchUpAsync(TimedStreams streams, string streamArn, int records, int? motoProcessId, int? pagesAhead = null, int? batchesInFlight = null)
    {
        using var endpoint = new FakeAwsEndpoint(Latency);
        var writeClients = new AwsClientFactory(new AwsConnection(RegionEndpoint.USEast1, Credentials, new Uri(endpoint.Url)));
        using var processor = ProcessorServices.Create(writeClients, "bench-audit", "arn:aws:sns:us-east-1:123456789012:bench-alerts", ProcessorOptions());
        var timedProcessor = new TimedProcessor(new InProcessRecordProcessor(processor.Processor, processor.Handler));
        var reader = new StreamEventProcessor(streams, timedProcessor, new MemoryCheckpoints(), failureQueue: null,
            new StreamReaderOptions { StartingPosition = StreamStartingPosition.TrimHorizon, PagesAhead = pagesAhead ?? new StreamReaderOptions().PagesAhead,
              BatchesInFlight = batchesInFlight ?? new StreamReaderOptions().BatchesInFlight });

        var meter = new CpuMeter(motoProcessId);
        var stopwatch = Stopwatch.StartNew();
        var result = await reader.RunAsync(streamArn, NullOperationReporter.Instance, CancellationToken.None).ConfigureAwait(false);
        stopwatch.Stop();

        // Audit objects only (orders/): the digests the processor writes beside them are not records.
        var (writes, keys) = endpoint.PutsUnder("orders/");
        if (result.Records != records || result.Audited != records || result.Failed != 0 || writes != records || keys != records)
        {
            throw new InvalidOperationException(
                $"The catch-up of {records} records was not exact: {result.Records} read, {result.Audited} audited, {result.Failed} failed, {writes} audit writes to {keys} keys.");
        }

        // Where the time went: reads overlap processing, so the two may add up to more than the run.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {records:N0} records{(motoProcessId is null ? " (fast stream)" : "")}{(pagesAhead is { } ahead ? $" ({ahead} page(s) ahead)" : "")}{(batchesInFlight is { } inFlight ? $" ({inFlight} batch(es) in flight)" : "")}: {stopwatch.Elapsed.TotalSeconds:0.00} s; GetRecords {streams.Calls} calls, {streams.Busy.TotalSeconds:0.00} s; processor {timedProcessor.Calls} batches, {timedProcessor.Busy.TotalSeconds:0.00} s; {meter.Describe("moto")}"));
        return stopwatch.Elapsed;
    }

    internal static BatchProcessorOptions ProcessorOptions() => new()
    {
        Environment = "bench", MaxConcurrency = Concurrency, EmitMetrics = false, LogSink = new JsonLogger(static _ => { }), LogLevel = ProcessorLogLevel.Warn,
    };

    /// <summary>The stream client, timing its GetRecords calls and keeping the pages with records.</summary>
    private sealed class TimedStreams(IAmazonDynamoDBStreams inner) : IAmazonDynamoDBStreams
    {
        private readonly List<GetRecordsResponse> _pages = new();
        private long _busyTicks;
        private int _calls;

        /// <summary>The pages answered with records, in stream order (one shard).</summary>
        public List<GetRecordsResponse> Pages { get { lock (_pages) { return _pages.ToList(); } } }

        public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

        public int Calls => Volatile.Read(ref _calls);

        public Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default) => inner.ListStreamsAsync(request, cancellationToken);

        public Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default) => inner.DescribeStreamAsync(request, cancellationToken);

        public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) => inner.GetShardIteratorAsync(request, cancellationToken);

        public async Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var page = await inner.GetRecordsAsync(request, cancellationToken).ConfigureAwait(false);
                if (page.Records.Count > 0)
                {
                    lock (_pages)
                    {
                        _pages.Add(page);
                    }
                }

                return page;
            }
            finally
            {
                Interlocked.Add(ref _busyTicks, Stopwatch.GetElapsedTime(started).Ticks);
                Interlocked.Increment(ref _calls);
            }
        }

        public void Dispose()
        {
        }
    }

    /// <summary>The processor, timing its batches.</summary>
    private sealed class TimedProcessor(IRecordProcessor inner) : IRecordProcessor
    {
        private long _busyTicks;
        private int _calls;

        public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

        public int Calls => Volatile.Read(ref _calls);

        public string? OrderOf(StreamRecord record) => inner.OrderOf(record);

        public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await inner.ProcessAsync(records, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Add(ref _busyTicks, Stopwatch.GetElapsedTime(started).Ticks);
                Interlocked.Increment(ref _calls);
            }
        }
    }

    /// <summary>A table with a stream and <paramref name="records"/> order events in it (five per order, one in ten FAILED).</summary>
    internal static async Task<string> FillStreamAsync(IAmazonDynamoDB dynamoDb, string table, int records)
    {
        await dynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            AttributeDefinitions = [new AttributeDefinition("orderId", ScalarAttributeType.S), new AttributeDefinition("timestamp", ScalarAttributeType.N)],
            KeySchema = [new KeySchemaElement("orderId", KeyType.HASH), new KeySchemaElement("timestamp", KeyType.RANGE)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
            StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES },
        }).ConfigureAwait(false);

        var items = Enumerable.Range(0, records).Select(i => new WriteRequest(new PutRequest(new Dictionary<string, AttributeValue>
        {
            ["orderId"] = new() { S = $"ORD-{i / EventsPerOrder:D6}" },
            ["timestamp"] = new() { N = (1_767_225_600_000L + i).ToString(CultureInfo.InvariantCulture) },
            ["status"] = new() { S = i % 10 == 9 ? "FAILED" : "PROCESSING" },
            ["amount"] = new() { N = "129.99" },
        }))).Chunk(25).ToList();
        await BoundedConcurrency.ForEachAsync(items, 4, async (chunk, _) =>
        {
            var pending = new Dictionary<string, List<WriteRequest>> { [table] = chunk.ToList() };
            while (pending.TryGetValue(table, out var left) && left.Count > 0)
            {
                pending = (await dynamoDb.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }).ConfigureAwait(false)).UnprocessedItems ?? new();
            }
        }, CancellationToken.None).ConfigureAwait(false);

        var description = await dynamoDb.DescribeTableAsync(table).ConfigureAwait(false);
        return description.Table.LatestStreamArn;
    }

    internal sealed class MemoryCheckpoints : ICheckpointStore
    {
        private readonly Dictionary<string, ShardCheckpoint> _saved = new(StringComparer.Ordinal);

        public ShardCheckpoint? Get(string streamArn, string shardId)
        {
            lock (_saved)
            {
                return _saved.TryGetValue(shardId, out var checkpoint) ? checkpoint : null;
            }
        }

        public void Save(string streamArn, string shardId, ShardCheckpoint checkpoint)
        {
            lock (_saved)
            {
                _saved[shardId] = checkpoint;
            }
        }

        // One benchmark run per stream: nothing to claim.
        public IDisposable Claim(string streamArn) => new MemoryStream();

        public IReadOnlyDictionary<string, ShardCheckpoint> All(string streamArn)
        {
            lock (_saved)
            {
                return new Dictionary<string, ShardCheckpoint>(_saved, StringComparer.Ordinal);
            }
        }
    }
}
