using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Orders;

namespace OrderMonitoring.Benchmarks;

/// <summary>
/// The order cmdlets' speed against a local fake endpoint with a fixed latency per request:
/// Send-TestOrderEvent -Count's batch writer (-Force) and its conditional writer (the default) vs. single PutItem calls (goal 5x each), and Get-OrderAuditLog -OrderId
/// with 1,000 vs 100,000 other orders in the bucket (goal: within 30 %).
/// </summary>
internal static class OrdersBenchmark
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(3);

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"Orders benchmark: fake endpoint on 127.0.0.1 adds {Latency.TotalMilliseconds:0} ms per request.");
        var failures = 0;
        failures += await SendAsync() ? 0 : 1;
        failures += await AuditLogAsync() ? 0 : 1;
        Console.WriteLine(failures == 0 ? "All orders scenarios met their goals." : $"{failures} orders scenario(s) missed their goal.");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>A write that stopped early would make the batched time meaningless: the benchmark fails instead.</summary>
    private static void Written(OrderWriteOutcome outcome)
    {
        if (!outcome.IsComplete)
        {
            throw new InvalidOperationException($"The benchmark's write stopped early: {outcome.NotWritten.Count} event(s) not written.");
        }
    }

    private static async Task<bool> SendAsync()
    {
        const int Count = 10_000;
        const int SingleSample = 1_000;
        using var endpoint = new FakeAwsEndpoint(Latency);
        using var dynamoDb = BenchClients.DynamoDb(endpoint);
        var events = new OrderGenerator(new Random(1)).Generate(Count, 10, DateTimeOffset.UtcNow);
        var writer = new OrderEventWriter(new DynamoDbOrderTable(dynamoDb));
        Written(await writer.WriteAsync("orders", events.Take(100).ToList(), NullOperationReporter.Instance, default)); // warm-up

        var batched = Stopwatch.StartNew();
        var outcome = await writer.WriteAsync("orders", events, NullOperationReporter.Instance, default);
        batched.Stop();
        Written(outcome);

        // A loop of single PutItem calls, as a script would write them; timed on a sample and scaled (10,000 would take long).
        var single = Stopwatch.StartNew();
        foreach (var orderEvent in events.Take(SingleSample))
        {
            await dynamoDb.PutItemAsync(new PutItemRequest { TableName = "orders", Item = OrderItem.ToItem(orderEvent) });
        }

        single.Stop();
        var singleEstimate = single.Elapsed.TotalSeconds * Count / SingleSample;
        var speedup = singleEstimate / batched.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  send {Count:N0}: batched {batched.Elapsed.TotalSeconds:0.00} s ({Count / batched.Elapsed.TotalSeconds:N0}/s) vs single PutItem {singleEstimate:0.00} s (from {SingleSample:N0}) -> {speedup:0.0}x (goal >= 5x)"));

        // Without -Force: one conditional PutItem per event (only new items), several in flight.
        var fresh = new OrderGenerator(new Random(2)).Generate(Count, 10, DateTimeOffset.UtcNow.AddDays(1));
        var conditional = Stopwatch.StartNew();
        Written(await writer.WriteAsync("orders", fresh, NullOperationReporter.Instance, default, onlyNewItems: true));
        conditional.Stop();
        var conditionalSpeedup = singleEstimate / conditional.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  send {Count:N0} only new (conditional PutItem, {new OrderWriteOptions().MaxPutsInFlight} in flight): {conditional.Elapsed.TotalSeconds:0.00} s ({Count / conditional.Elapsed.TotalSeconds:N0}/s) -> {conditionalSpeedup:0.0}x single PutItem (goal >= 5x)"));
        return speedup >= 5 && conditionalSpeedup >= 5;
    }

    private static async Task<bool> AuditLogAsync()
    {
        using var endpoint = new FakeAwsEndpoint(Latency);
        using var s3 = BenchClients.S3(endpoint);
        var reader = new AuditLogReader(new S3AuditObjectStore(s3), new NoTable());
        for (var i = 0; i < 20; i++)
        {
            endpoint.PutObject(AuditKey.ForRecord("ORD-TARGET", (1000 + i).ToString(CultureInfo.InvariantCulture)), Json("ORD-TARGET", i));
        }

        var timings = new List<double>();
        var total = 0;
        foreach (var others in new[] { 1_000, 100_000 })
        {
            for (; total < others; total++)
            {
                var id = "ORD-" + total.ToString("D7", CultureInfo.InvariantCulture);
                endpoint.PutObject(AuditKey.ForRecord(id, "1"), Json(id, 0));
            }

            for (var warmUp = 0; warmUp < 10; warmUp++)
            {
                await reader.ReadOrderAsync("b", "ORD-TARGET", parse: true, default);
            }

            // Filling the bucket allocates a lot; collect first so a GC does not land in one side's timing.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            const int Runs = 50;
            var stopwatch = Stopwatch.StartNew();
            for (var run = 0; run < Runs; run++)
            {
                var history = await reader.ReadOrderAsync("b", "ORD-TARGET", parse: true, default);
                if (history.Count != 20)
                {
                    throw new InvalidOperationException($"Expected 20 records, read {history.Count}.");
                }
            }

            timings.Add(stopwatch.Elapsed.TotalMilliseconds / Runs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  Get-OrderAuditLog -OrderId (20 records) with {others:N0} other orders in the bucket: {timings[timings.Count - 1]:0.0} ms"));
        }

        var ratio = timings[1] / timings[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  100,000 vs 1,000: {ratio:0.00}x (goal within 1.30x)"));
        return ratio <= 1.3;
    }

    private static string Json(string orderId, int i) =>
        $"{{\"schemaVersion\":1,\"orderId\":\"{orderId}\",\"timestamp\":{1767225600000 + i},\"status\":\"PENDING\",\"eventType\":\"INSERT\",\"sequenceNumber\":\"{1000 + i}\",\"processedAt\":\"2026-01-01T00:00:00.000Z\",\"environment\":\"bench\",\"newImage\":{{\"orderId\":\"{orderId}\"}},\"oldImage\":null}}";

    /// <summary>Get-OrderAuditLog -OrderId never touches the table.</summary>
    private sealed class NoTable : IOrderTable
    {
        public Task<IReadOnlyList<OrderMonitoring.OrderEvent>> WriteBatchAsync(string tableName, IReadOnlyList<OrderMonitoring.OrderEvent> events, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<StatusQueryPage> QueryStatusAsync(string tableName, string status, long since, long until, object? continuation, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<string?> GetCurrentStatusAsync(string tableName, string orderId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> PutAsync(string tableName, OrderMonitoring.OrderEvent orderEvent, bool onlyIfNew, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
