using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Reconciliation;

namespace OrderMonitoring.Benchmarks;

/// <summary>
/// Test-OrderAuditLog's whole-table check against the local fake endpoint (3 ms per request): orders of 3 items, each
/// audited once. Goals: at least 2,000 audit objects checked per second at 10,000 orders, and 10x the orders in at
/// most 11x the time (1,000 vs 10,000).
/// </summary>
internal static class ReconciliationBenchmark
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(3);

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"Reconciliation benchmark: fake endpoint on 127.0.0.1 adds {Latency.TotalMilliseconds:0} ms per request; 3 items per order.");
        await MeasureAsync(200); // warm-up: JIT, connections
        var small = await MeasureAsync(1_000);
        var large = await MeasureAsync(10_000);
        var perSecond = large.Objects / large.Seconds;
        var ratio = large.Seconds / small.Seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  10,000 orders: {perSecond:N0} audit objects checked/s (goal >= 2,000); 10x the orders took {ratio:0.00}x the time (goal <= 11x)"));
        var met = perSecond >= 2_000 && ratio <= 11;
        Console.WriteLine(met ? "All reconciliation scenarios met their goals." : "The reconciliation suite missed its goal.");
        return met ? 0 : 1;
    }

    private static async Task<(int Objects, double Seconds)> MeasureAsync(int orders)
    {
        using var endpoint = new FakeAwsEndpoint(Latency) { Table = new FakeScanTable() };
        for (var o = 0; o < orders; o++)
        {
            var orderId = "ORD-" + o.ToString("D6", CultureInfo.InvariantCulture);
            for (var i = 0; i < 3; i++)
            {
                var timestamp = (1_767_225_600_000L + i).ToString(CultureInfo.InvariantCulture);
                var item = new TableItem(orderId, timestamp, BenchClients.OrderItem(orderId, timestamp, withLineItems: true));
                endpoint.Table!.Add(orderId, timestamp, item.ItemJson);
                var sequence = (100_000_000_000_000_000L + o * 3L + i).ToString(CultureInfo.InvariantCulture);
                var record = new AuditRecord
                {
                    OrderId = orderId, Timestamp = timestamp, Status = "PENDING", EventType = "INSERT", EventId = "e" + sequence, SequenceNumber = sequence,
                    ProcessedAt = DateTimeOffset.UnixEpoch, Environment = "bench", NewImageJson = item.PlainJson(),
                };
                endpoint.PutObject(AuditKey.ForRecord(orderId, sequence), record.ToJson());
            }
        }

        using var dynamoDb = BenchClients.DynamoDb(endpoint);
        using var s3 = BenchClients.S3(endpoint);
        var checker = new AuditLogChecker(new DynamoDbOrderItemSource(dynamoDb), new S3AuditVersionStore(s3), new CheckOptions(), TimeProvider.System);
        GC.Collect();
        var process = Process.GetCurrentProcess();
        var (cpuBefore, gcsBefore, pausedBefore, allocatedBefore) = (process.TotalProcessorTime, GC.CollectionCount(0), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
        var stopwatch = Stopwatch.StartNew();
        var outcome = await checker.CheckAsync(new CheckRequest("orders", "b", null, new CheckScope()), NullOperationReporter.Instance, default);
        stopwatch.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var (gcs, paused, allocated) = (GC.CollectionCount(0) - gcsBefore, GC.GetTotalPauseDuration() - pausedBefore, GC.GetTotalAllocatedBytes() - allocatedBefore);
        if (outcome.Findings.Count != 0 || outcome.Orders != orders || outcome.AuditObjects != orders * 3)
        {
            throw new InvalidOperationException($"Expected a complete check of {orders} orders; got {outcome.Orders} orders, {outcome.AuditObjects} objects, "
                + $"{outcome.Findings.Count} findings (first: {outcome.Findings.FirstOrDefault()?.Detail}).");
        }

        // The machine is shared: the CPU the check and the fake endpoint used, what they allocated, the garbage collections' pauses and the
        // load average tell a slow run on a busy machine from slower code.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {orders:N0} orders ({outcome.AuditObjects:N0} audit objects): {stopwatch.Elapsed.TotalSeconds:0.00} s, {endpoint.Requests:N0} requests, "
            + $"CPU {cpu.TotalSeconds:0.00} s ({cpu.TotalMilliseconds * 1000 / endpoint.Requests:0} us per request), {allocated / 1024 / endpoint.Requests:0} KB allocated per request, {gcs} GCs pausing {paused.TotalSeconds:0.00} s, load {CpuMeter.LoadAverage()}"));
        return (outcome.AuditObjects, stopwatch.Elapsed.TotalSeconds);
    }


}
