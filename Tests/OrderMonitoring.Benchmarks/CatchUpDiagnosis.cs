using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Benchmarks;

/// <summary>
/// Where the catch-up's time goes (`-- catchup-diagnose`, not part of build.ps1 bench): the same 20,000 records in a
/// moto stream, read (1) as raw HTTP bytes, (2) through our Streams client, (3) parsed from the saved bodies alone,
/// and (4) the whole catch-up with the stream served from memory instead of moto, each with the CPU of this process
/// and of moto. Tells moto's share from ours. `--memory-only` runs (4) alone on made-up pages (for a profiler);
/// `--pages-ahead` compares the moto catch-up with one page read ahead and with the default; `--processor-only` measures the processor without SDK and HTTP; `--write-path` measures one audit write's CPU and allocation alone; `--in-flight` with one
/// batch in flight per shard (each after the one before) and with the default.
/// </summary>
internal static class CatchUpDiagnosis
{
    private const int Records = 20_000;
    private static readonly AWSCredentials Credentials = new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey);

    public static async Task<int> RunAsync()
    {
        if (Environment.GetCommandLineArgs().Contains("--pages-ahead"))
        {
            // The same moto catch-up with one page read ahead (the reader before it requested pages as soon as their
            // iterator was known) and with the default, alternating so a change in the machine's load falls on both.
            using var server = await MotoServer.StartAsync().ConfigureAwait(false);
            await CatchUpBenchmark.MeasureAsync(server, 500).ConfigureAwait(false);
            for (var round = 0; round < 2; round++)
            {
                await CatchUpBenchmark.MeasureAsync(server, Records, pagesAhead: 1).ConfigureAwait(false);
                await CatchUpBenchmark.MeasureAsync(server, Records, pagesAhead: new StreamReaderOptions().PagesAhead).ConfigureAwait(false);
            }

            return 0;
        }

        if (Environment.GetCommandLineArgs().Contains("--in-flight"))
        {
            // One batch at a time (the runner before batches overlapped) against the default, alternating.
            using var server = await MotoServer.StartAsync().ConfigureAwait(false);
            await CatchUpBenchmark.MeasureAsync(server, 500).ConfigureAwait(false);
            for (var round = 0; round < 3; round++)
            {
                await CatchUpBenchmark.MeasureAsync(server, Records, batchesInFlight: 1).ConfigureAwait(false);
                await CatchUpBenchmark.MeasureAsync(server, Records, batchesInFlight: new StreamReaderOptions().BatchesInFlight).ConfigureAwait(false);
            }

            return 0;
        }

        if (Environment.GetCommandLineArgs().Contains("--processor-only"))
        {
            await ProcessorAloneAsync(MadeUpPages()).ConfigureAwait(false);
            return 0;
        }

        if (Environment.GetCommandLineArgs().Contains("--write-path"))
        {
            await WritePathAsync().ConfigureAwait(false);
            return 0;
        }

        if (Environment.GetCommandLineArgs().Contains("--memory-only"))
        {
            // Only step (4), on made-up pages shaped like moto's: for a profiler, without moto in the trace.
            await CatchUpFromMemoryAsync(MadeUpPages()).ConfigureAwait(false);
            return 0;
        }

        using var moto = await MotoServer.StartAsync().ConfigureAwait(false);
        var motoClients = new AwsClientFactory(new AwsConnection(RegionEndpoint.USEast1, Credentials, moto.Endpoint));
        using var dynamoDb = motoClients.CreateDynamoDB();
        using var streams = motoClients.CreateDynamoDBStreams();
        var streamArn = await CatchUpBenchmark.FillStreamAsync(dynamoDb, $"diagnose-{Guid.NewGuid():N}".Substring(0, 30), Records).ConfigureAwait(false);
        var shardId = (await streams.DescribeStreamAllShardsAsync(streamArn, CancellationToken.None).ConfigureAwait(false)).Shards.Single().ShardId!;
        Console.WriteLine($"Catch-up diagnosis: {Records:N0} records in one moto shard.");

        await WritePathAsync().ConfigureAwait(false);
        var bodies = await RawPagesAsync(moto, streams, streamArn, shardId).ConfigureAwait(false);
        var pages = await ClientPagesAsync(moto, streams, streamArn, shardId).ConfigureAwait(false);
        ParseOnly(bodies);
        await CatchUpFromMemoryAsync(pages).ConfigureAwait(false);
        return 0;
    }

    /// <summary>GetRecords as bytes on the wire, only the next iterator read from each answer.</summary>
    private static async Task<List<byte[]>> RawPagesAsync(MotoServer moto, IAmazonDynamoDBStreams streams, string streamArn, string shardId)
    {
        using var http = new HttpClient();
        var iterator = await IteratorAsync(streams, streamArn, shardId).ConfigureAwait(false);
        var bodies = new List<byte[]>();
        var meter = new CpuMeter(moto.ProcessId);
        var wall = Stopwatch.StartNew();
        while (iterator is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, moto.Endpoint)
            {
                Content = new StringContent(JsonSerializer.Serialize(new { ShardIterator = iterator, Limit = 1000 }), Encoding.UTF8),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDBStreams_20120810.GetRecords");
            // moto checks no signature, only that there is one naming a region and service.
            request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0");
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.GetProperty("Records").GetArrayLength() == 0)
            {
                break;
            }

            bodies.Add(body);
            iterator = document.RootElement.TryGetProperty("NextShardIterator", out var next) ? next.GetString() : null;
        }

        Report("raw HTTP GetRecords (bytes only)", bodies.Count, wall.Elapsed, meter, $"{bodies.Average(body => body.Length) / 1024:0} KB per page");
        return bodies;
    }

    /// <summary>GetRecords through our client: signing, HTTP, reading the JSON into stream records.</summary>
    private static async Task<List<GetRecordsResponse>> ClientPagesAsync(MotoServer moto, IAmazonDynamoDBStreams streams, string streamArn, string shardId)
    {
        var iterator = await IteratorAsync(streams, streamArn, shardId).ConfigureAwait(false);
        var pages = new List<GetRecordsResponse>();
        var meter = new CpuMeter(moto.ProcessId);
        var wall = Stopwatch.StartNew();
        while (iterator is not null)
        {
            var page = await streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 1000 }).ConfigureAwait(false);
            if (page.Records.Count == 0)
            {
                break;
            }

            pages.Add(page);
            iterator = page.NextShardIterator;
        }

        Report("our Streams client GetRecords", pages.Count, wall.Elapsed, meter, "");
        return pages;
    }

    private static void ParseOnly(List<byte[]> bodies)
    {
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true, MaxDepth = StreamRecord.MaxJsonDepth };
        var meter = new CpuMeter(null);
        var wall = Stopwatch.StartNew();
        var allocated = GC.GetTotalAllocatedBytes();
        foreach (var body in bodies)
        {
            _ = JsonSerializer.Deserialize<GetRecordsResponse>(Encoding.UTF8.GetString(body), options);
        }

        Report("parsing the saved pages only (string, then records)", bodies.Count, wall.Elapsed, meter,
            $"{(GC.GetTotalAllocatedBytes() - allocated) / bodies.Count / 1024 / 1024.0:0.0} MB allocated per page");
    }

    /// <summary>The whole catch-up (reader and processor with their defaults) with the pages served from memory at once.</summary>
    private static async Task CatchUpFromMemoryAsync(List<GetRecordsResponse> pages)
    {
        using var endpoint = new FakeAwsEndpoint(CatchUpBenchmark.Latency);
        var writeClients = new AwsClientFactory(new AwsConnection(RegionEndpoint.USEast1, Credentials, new Uri(endpoint.Url)));
        using var processor = ProcessorServices.Create(writeClients, "bench-audit", "arn:aws:sns:us-east-1:123456789012:bench-alerts", CatchUpBenchmark.ProcessorOptions());
        var reader = new StreamEventProcessor(new MemoryStream(pages), new InProcessRecordProcessor(processor.Processor, processor.Handler), new CatchUpBenchmark.MemoryCheckpoints(),
            failureQueue: null, new StreamReaderOptions { StartingPosition = StreamStartingPosition.TrimHorizon });
        var meter = new CpuMeter(null);
        // Allocation is what the garbage collector pays for, and unlike CPU time it does not move with the machine's load.
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var collectionsBefore = GC.CollectionCount(0);
        var wall = Stopwatch.StartNew();
        var result = await reader.RunAsync("arn:aws:dynamodb:us-east-1:123456789012:table/memory/stream/1", NullOperationReporter.Instance, CancellationToken.None).ConfigureAwait(false);
        var allocatedPerRecord = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0 / result.Records;
        Report($"catch-up from memory ({result.Records:N0} records, {endpoint.PutsUnder("orders/").Keys:N0} audit keys)", pages.Count, wall.Elapsed, meter,
            string.Create(CultureInfo.InvariantCulture,
                $"{result.Records / wall.Elapsed.TotalSeconds:N0} records/s; {allocatedPerRecord:0.0} KB allocated per record (this process, the fake endpoint included), {GC.CollectionCount(0) - collectionsBefore} gen-0 collections"));
    }

    /// <summary>
    /// The processor's own share: the same pages through the batch processor and the record handler (digests included),
    /// with a store and publisher in memory that answer at once, so no SDK and no HTTP are measured.
    /// </summary>
    private static async Task ProcessorAloneAsync(List<GetRecordsResponse> pages)
    {
        var options = CatchUpBenchmark.ProcessorOptions();
        var processor = new BatchProcessor(options);
        var store = new SlowStore(TimeSpan.Zero);
        using var signer = new SlowSigner(TimeSpan.Zero);
        var digests = new OrderMonitoring.Processor.Digests.DigestRecorder(store, signer, null,
            OrderMonitoring.Processor.Digests.DigestChain.Start(options.Time), processor.Log, options);
        var handler = new OrderMonitoring.Processor.Orders.OrderRecordHandler(store, new SlowPublisher(TimeSpan.Zero), processor.Log, options, digests);
        await processor.ProcessAsync(pages[0].Records, handler, CancellationToken.None).ConfigureAwait(false); // warm-up
        var meter = new CpuMeter(null);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        var records = 0;
        foreach (var page in pages)
        {
            records += (await processor.ProcessAsync(page.Records, handler, CancellationToken.None).ConfigureAwait(false)).Audited;
        }

        var allocatedPerRecord = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0 / records;
        Report($"processor alone ({records:N0} records audited, store and publisher in memory)", pages.Count, wall.Elapsed, meter,
            string.Create(CultureInfo.InvariantCulture, $"{meter.SelfSeconds * 1_000_000 / records:0} us CPU and {allocatedPerRecord:0.0} KB allocated per record"));
    }

    /// <summary>
    /// The CPU one audit write costs this process (client and the in-process fake endpoint), through the S3 store as the
    /// processor builds it, and as a bare HTTP PUT (about the fake endpoint's own share).
    /// </summary>
    private static async Task WritePathAsync()
    {
        const int Writes = 4_000;
        using var endpoint = new FakeAwsEndpoint(CatchUpBenchmark.Latency);
        var url = endpoint.Url;
        var clients = new AwsClientFactory(new AwsConnection(RegionEndpoint.USEast1, Credentials, new Uri(url)));
        var json = "{\"orderId\":\"ORD-000001\",\"status\":\"PROCESSING\",\"amount\":\"129.99\",\"padding\":\"" + new string('x', 300) + "\"}";
        using var s3 = clients.CreateS3(TimeSpan.FromSeconds(5), retries: false);
        var store = new OrderMonitoring.Processor.Storage.S3AuditStore(s3, "bench-audit");
        await MeasureWritesAsync("audit write through the S3 store", Writes, i => store.PutAsync($"orders/warm/{i}.json", json, CancellationToken.None), warmUp: true).ConfigureAwait(false);
        await MeasureWritesAsync("audit write through the S3 store", Writes, i => store.PutAsync($"orders/x/{i}.json", json, CancellationToken.None), warmUp: false).ConfigureAwait(false);
        using var http = new HttpClient();
        await MeasureWritesAsync("bare HTTP PUT to the fake endpoint", Writes, async i =>
        {
            using var response = await http.PutAsync(new Uri(new Uri(url), $"bench-audit/orders/y/{i}.json"), new StringContent(json)).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }, warmUp: false).ConfigureAwait(false);
    }

    private static async Task MeasureWritesAsync(string what, int writes, Func<int, Task> write, bool warmUp)
    {
        var meter = new CpuMeter(null);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        await BoundedConcurrency.ForEachAsync(Enumerable.Range(0, writes).ToList(), 64, (i, _) => write(i), CancellationToken.None).ConfigureAwait(false);
        if (!warmUp)
        {
            var allocatedPerWrite = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0 / writes;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {what}: {writes:N0} at 64 at once in {wall.Elapsed.TotalSeconds:0.00} s; {meter.Describe("")}; {meter.SelfSeconds * 1_000_000 / writes:0} us CPU per write; {allocatedPerWrite:0.0} KB allocated per write"));
        }
    }

    private static List<GetRecordsResponse> MadeUpPages() => Enumerable.Range(0, Records).Select(i => JsonSerializer.Deserialize<StreamRecord>($$$"""
        {"eventID":"{{{Guid.NewGuid():N}}}","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
         "dynamodb":{"ApproximateCreationDateTime":1767225600,"SequenceNumber":"{{{100_000_000_000_000_000L + i}}}","SizeBytes":120,"StreamViewType":"NEW_AND_OLD_IMAGES",
           "Keys":{"orderId":{"S":"ORD-{{{i / 5:D6}}}"},"timestamp":{"N":"{{{1_767_225_600_000L + i}}}"}},
           "NewImage":{"orderId":{"S":"ORD-{{{i / 5:D6}}}"},"timestamp":{"N":"{{{1_767_225_600_000L + i}}}"},"status":{"S":"{{{(i % 10 == 9 ? "FAILED" : "PROCESSING")}}}"},"amount":{"N":"129.99"} } } }
        """)!).Chunk(1000).Select(page => new GetRecordsResponse { Records = [.. page] }).ToList();

    private static void Report(string what, int pages, TimeSpan elapsed, CpuMeter meter, string extra) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: {pages} pages in {elapsed.TotalSeconds:0.00} s ({elapsed.TotalMilliseconds / pages:0} ms per page); {meter.Describe("moto")}{(extra.Length > 0 ? "; " + extra : "")}"));

    private static async Task<string?> IteratorAsync(IAmazonDynamoDBStreams streams, string streamArn, string shardId) =>
        (await streams.GetShardIteratorAsync(new GetShardIteratorRequest { StreamArn = streamArn, ShardId = shardId, ShardIteratorType = ShardIteratorType.TRIM_HORIZON })
            .ConfigureAwait(false)).ShardIterator;

    /// <summary>One closed shard whose pages are already read: the iterator is the page's index.</summary>
    private sealed class MemoryStream(List<GetRecordsResponse> pages) : IAmazonDynamoDBStreams
    {
        public Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new DescribeStreamResponse
            {
                StreamDescription = new StreamDescription
                {
                    Shards = [new Shard { ShardId = "shardId-memory", SequenceNumberRange = new SequenceNumberRange { StartingSequenceNumber = "0", EndingSequenceNumber = "9" } }],
                },
            });

        public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GetShardIteratorResponse { ShardIterator = "0" });

        public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
        {
            var index = int.Parse(request.ShardIterator, CultureInfo.InvariantCulture);
            return Task.FromResult(index < pages.Count
                ? new GetRecordsResponse { Records = pages[index].Records, NextShardIterator = (index + 1).ToString(CultureInfo.InvariantCulture) }
                : new GetRecordsResponse());
        }

        public void Dispose()
        {
        }
    }
}
