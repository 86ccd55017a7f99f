using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Orders;

namespace OrderMonitoring.Benchmarks;

/// <summary>
/// The batch processor against a store, a publisher and a digest signer that add 20 ms per call (the signature
/// overlaps the writes, the digest's write the last alerts). Each scenario prints the median
/// of a few runs beside its goal, derived from the round trips the rules force (one order's records are sequential).
/// </summary>
internal static class ProcessorBenchmark
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(20);
    private const int Concurrency = 16;

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"Processor batch benchmark: store, publisher and digest signer add {Latency.TotalMilliseconds:0} ms per call, MAX_CONCURRENCY {Concurrency}.");
        // A warm-up so JIT and thread-pool growth are not measured.
        await MeasureAsync(Records(orders: 50, perOrder: 2, failedEvery: 2), runs: 1);

        var results = new[]
        {
            await ScenarioAsync("10 records, 10 orders, each FAILED (write + alert)", Records(10, 1, failedEvery: 1), runs: 7,
                goalMs: 45, goalText: "<= ~45 ms (2 round trips; the seed's sequential loop needs ~10 round trips)"),
            await ScenarioAsync("100 records of one order", Records(1, 100, failedEvery: 0), runs: 3,
                goalMs: 100 * 20 * 1.15, goalText: "~2,000 ms (100 writes in stream order cannot overlap)"),
            await ScenarioAsync("1,000 records of 200 orders (5 each)", Records(200, 5, failedEvery: 0), runs: 3,
                goalMs: Math.Ceiling(200.0 / Concurrency) * 5 * 20 * 1.15, goalText: $"~{Math.Ceiling(200.0 / Concurrency) * 5 * 20:0} ms (200 orders / {Concurrency} at once x 5 sequential writes; sequential: 20,000 ms)"),
        };

        results = [.. results, await MeteredScenarioAsync()];
        var failures = results.Count(ok => !ok);
        Console.WriteLine(failures == 0 ? "All processor scenarios met their goals." : $"{failures} scenario(s) missed their goal.");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<bool> ScenarioAsync(string name, IReadOnlyList<StreamRecord> records, int runs, double goalMs, string goalText)
    {
        var (median, counts) = await MeasureAsync(records, runs);
        var met = median <= goalMs;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-52} median {median,8:0.0} ms over {runs} runs  | goal {goalText}  [{(met ? "met" : "MISSED")}]  ({counts})"));
        return met;
    }

    /// <summary>
    /// What Invoke-OrderEventProcessor runs outside Lambda: batch after batch, each with its metrics on (a CloudWatch
    /// that also adds 20 ms). The floor is the batch's two round trips (40 ms); metrics may add at most 10 % to it.
    /// </summary>
    private static async Task<bool> MeteredScenarioAsync()
    {
        const int Batches = 20;
        const double floorMs = 2 * 20;
        var cloudWatch = new SlowCloudWatch(Latency);
        var log = new JsonLogger(static _ => { });
        var store = new SlowStore(Latency);
        var publisher = new SlowPublisher(Latency);
        var metrics = new BackgroundProcessorMetrics(cloudWatch, "bench", log, TimeProvider.System);
        var options = new BatchProcessorOptions { Environment = "bench", MaxConcurrency = Concurrency, LogSink = log };
        var batches = new BatchProcessor(options);
        var processor = new MeteredRecordProcessor(
            new InProcessRecordProcessor(batches, new OrderRecordHandler(store, publisher, batches.Log, options)), metrics);

        var timings = new List<double>();
        for (var i = 0; i < Batches; i++)
        {
            var records = Records(10, 1, failedEvery: 1);
            var stopwatch = Stopwatch.StartNew();
            var result = await processor.ProcessAsync(records, CancellationToken.None).ConfigureAwait(false);
            timings.Add(stopwatch.Elapsed.TotalMilliseconds);
            if (result.Failed != 0)
            {
                throw new InvalidOperationException($"The benchmark batch did not complete: {result.Failed} failed.");
            }
        }

        var end = Stopwatch.StartNew();
        await metrics.CompleteAsync().ConfigureAwait(false);
        end.Stop();
        var perBatch = timings.Average();
        var met = perBatch <= floorMs * 1.1;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {$"{Batches} batches of 10 FAILED orders, metrics on",-52} mean {perBatch,8:0.0} ms per batch | goal <= {floorMs * 1.1:0} ms (1.1x the 2-round-trip floor of {floorMs:0} ms)  [{(met ? "met" : "MISSED")}]  ({cloudWatch.Puts} PutMetricData, last one at the end: {end.Elapsed.TotalMilliseconds:0} ms)"));
        return met;
    }

    private static async Task<(double MedianMs, string Counts)> MeasureAsync(IReadOnlyList<StreamRecord> records, int runs)
    {
        var timings = new List<double>();
        var counts = string.Empty;
        for (var i = 0; i < runs; i++)
        {
            var store = new SlowStore(Latency);
            var publisher = new SlowPublisher(Latency);
            var options = new BatchProcessorOptions
            {
                Environment = "bench",
                MaxConcurrency = Concurrency,
                LogSink = new JsonLogger(static _ => { }),
            };
            var processor = new BatchProcessor(options);
            using var signer = new SlowSigner(Latency);
            var digests = new DigestRecorder(store, signer, null, new DigestChain("bench"), processor.Log, options);
            var handler = new OrderRecordHandler(store, publisher, processor.Log, options, digests);
            var stopwatch = Stopwatch.StartNew();
            var result = await processor.ProcessAsync(records, handler).ConfigureAwait(false);
            timings.Add(stopwatch.Elapsed.TotalMilliseconds);
            // Every record's object and the batch's one digest, signed once.
            if (result.Failed != 0 || store.Writes != records.Count + 1 || signer.Signed != 1)
            {
                throw new InvalidOperationException($"The benchmark batch did not complete: {result.Failed} failed, {store.Writes} written, {signer.Signed} signed.");
            }

            counts = $"{result.Audited} audited, {publisher.Published} alerts, 1 digest signed";
        }

        timings.Sort();
        return (timings[timings.Count / 2], counts);
    }

    private static List<StreamRecord> Records(int orders, int perOrder, int failedEvery)
    {
        var records = new List<StreamRecord>(orders * perOrder);
        var sequence = 300_000_000_000_000_000m;
        for (var step = 0; step < perOrder; step++)
        {
            for (var order = 0; order < orders; order++)
            {
                var status = failedEvery > 0 && (step + order) % failedEvery == 0 ? "FAILED" : "PROCESSING";
                records.Add(Record($"ORD-{order:D5}", step == 0 ? "INSERT" : "MODIFY", status, (++sequence).ToString(CultureInfo.InvariantCulture)));
            }
        }

        return records;
    }

    private static StreamRecord Record(string orderId, string eventName, string status, string sequence)
    {
        var json = $$$"""
            {"eventID":"{{{Guid.NewGuid():N}}}","eventName":"{{{eventName}}}","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
             "dynamodb":{"ApproximateCreationDateTime":1700000000,"SequenceNumber":"{{{sequence}}}","StreamViewType":"NEW_AND_OLD_IMAGES",
               "Keys":{"orderId":{"S":"{{{orderId}}}"},"timestamp":{"N":"1700000000000"}},
               "NewImage":{"orderId":{"S":"{{{orderId}}}"},"timestamp":{"N":"1700000000000"},"status":{"S":"{{{status}}}"},"amount":{"N":"129.99"} } } }
            """;
        return JsonSerializer.Deserialize<StreamRecord>(json)!;
    }
}
