using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Benchmarks;

/// <summary>
/// Test-OrderAuditLog's verification against the local fake endpoint (3 ms per request): audit objects spread over ten
/// days, each day's batches of 500 records in signed, chained digests. Goals: the whole trail's 100,000 audit objects
/// verified (and compared with the table) at 5,000 objects/s or more; a period check costs what its days wrote:
/// five days take at most 5.5x one day.
/// </summary>
internal static class VerificationBenchmark
{
    private const int Days = 10;
    private const int ItemsPerOrder = 3;
    private const int BatchSize = 500;
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(3);
    private static readonly DateTime FirstDay = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<int> RunAsync()
    {
        Console.WriteLine($"Verification benchmark: fake endpoint on 127.0.0.1 adds {Latency.TotalMilliseconds:0} ms per request; {ItemsPerOrder} items per order, "
            + $"{Days} days, digests of {BatchSize} records.");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await MeasureAsync(key, 3_000, null); // warm-up: JIT, connections
        var whole = await MeasureAsync(key, 100_000, null);
        var oneDay = await MeasureAsync(key, 100_000, 1);
        var fiveDays = await MeasureAsync(key, 100_000, 5);
        var perSecond = whole.Objects / whole.Seconds;
        var ratio = fiveDays.Seconds / oneDay.Seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  whole trail: {perSecond:N0} audit objects verified/s (goal >= 5,000); 5 days took {ratio:0.00}x one day (goal <= 5.5x)"));
        var met = perSecond >= 5_000 && ratio <= 5.5;
        Console.WriteLine(met ? "All verification scenarios met their goals." : "The verification suite missed its goal.");
        return met ? 0 : 1;
    }

    /// <summary>
    /// verification-diagnose (run by name only): the whole trail once, with the digests' verification and the check
    /// timed apart, each with the CPU it took, and the allocations per object; then what one GetObject costs through
    /// the SDK and as a bare HTTP GET. --allocations adds the allocations by type, --gets-only runs the GETs alone.
    /// </summary>
    public static async Task<int> DiagnoseAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (Environment.GetCommandLineArgs().Contains("--gets-only"))
        {
            await MeasureGetsAsync();
            return 0;
        }

        await MeasureAsync(key, 3_000, null);
        var (allocated, gen0, gen1, gen2) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var (objects, _) = await MeasureAsync(key, 100_000, null, phases: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  with the trail's setup: {(GC.GetTotalAllocatedBytes() - allocated) / (double)objects / 1024:0.0} KB allocated per object; collections gen0 {GC.CollectionCount(0) - gen0}, "
            + $"gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}"));
        await MeasureGetsAsync();
        return 0;
    }

    /// <summary>What one GetObject costs apart from the check: the SDK's, and a bare HttpClient GET's (the fake endpoint's side included in both).</summary>
    private static async Task MeasureGetsAsync()
    {
        const int Gets = 20_000;
        using var endpoint = new FakeAwsEndpoint(Latency);
        var body = new string('x', 700);
        for (var i = 0; i < 1000; i++)
        {
            endpoint.PutObject("orders/ORD-" + i.ToString("D6", CultureInfo.InvariantCulture) + "/k.json", body);
        }

        using var s3 = BenchClients.S3(endpoint);
        var store = new S3AuditVersionStore(s3);
        using var http = new HttpClient();
        foreach (var (name, get) in new (string, Func<int, Task>)[]
        {
            ("SDK GetObject", i => store.ReadBytesAsync("b", "orders/ORD-" + (i % 1000).ToString("D6", CultureInfo.InvariantCulture) + "/k.json", "v1", 1 << 20, default)),
            ("HttpClient GET", i => http.GetByteArrayAsync(endpoint.Url + "b/orders/ORD-" + (i % 1000).ToString("D6", CultureInfo.InvariantCulture) + "/k.json?versionId=v1")),
        })
        {
            // Warm-up long enough for tiered compilation to finish.
            await OrderMonitoring.Aws.BoundedConcurrency.ForEachAsync(Enumerable.Range(0, 5_000).ToList(), 32, (i, _) => get(i), default);
            GC.Collect();
            var allocated = GC.GetTotalAllocatedBytes();
            var cpu = new CpuMeter(null);
            var stopwatch = Stopwatch.StartNew();
            await OrderMonitoring.Aws.BoundedConcurrency.ForEachAsync(Enumerable.Range(0, Gets).ToList(), 64, (i, _) => get(i), default);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Gets:N0} x {name}: {Gets / stopwatch.Elapsed.TotalSeconds:N0}/s, {(GC.GetTotalAllocatedBytes() - allocated) / (double)Gets / 1024:0.0} KB and "
                + $"{cpu.SelfSeconds * 1e6 / Gets:0} us CPU per GET; {cpu.Describe("")}"));
        }
    }

    private static async Task<(int Objects, double Seconds)> MeasureAsync(ECDsa key, int objects, int? periodDays, bool phases = false)
    {
        using var endpoint = new FakeAwsEndpoint(Latency) { Table = new FakeScanTable() };
        var orders = objects / ItemsPerOrder;
        var perDay = (orders + Days - 1) / Days;
        for (var day = 0; day < Days; day++)
        {
            var written = FirstDay.AddDays(day).AddHours(12);
            var chain = new DigestChainWriter(key, written, endpoint);
            for (var o = day * perDay; o < Math.Min(orders, (day + 1) * perDay); o++)
            {
                var orderId = "ORD-" + o.ToString("D6", CultureInfo.InvariantCulture);
                for (var i = 0; i < ItemsPerOrder; i++)
                {
                    var timestamp = (new DateTimeOffset(written).ToUnixTimeMilliseconds() + i).ToString(CultureInfo.InvariantCulture);
                    var item = new TableItem(orderId, timestamp, BenchClients.OrderItem(orderId, timestamp, withLineItems: false));
                    endpoint.Table!.Add(orderId, timestamp, item.ItemJson);
                    var sequence = (100_000_000_000_000_000L + (o * (long)ItemsPerOrder) + i).ToString(CultureInfo.InvariantCulture);
                    var json = new AuditRecord
                    {
                        OrderId = orderId, Timestamp = timestamp, Status = "PENDING", EventType = "INSERT", EventId = "e" + sequence, SequenceNumber = sequence,
                        ProcessedAt = written, Environment = "bench", NewImageJson = item.PlainJson(),
                    }.ToJson();
                    var auditKey = AuditKey.ForRecord(orderId, sequence);
                    endpoint.PutObject(auditKey, json);
                    chain.Add(new DigestEntry(auditKey, Sha256Hex.Of(JsonOutput.Utf8.GetBytes(json)), sequence, "e" + sequence));
                }
            }

            chain.Flush();
        }

        using var dynamoDb = BenchClients.DynamoDb(endpoint);
        using var s3 = BenchClients.S3(endpoint);
        var store = new S3AuditVersionStore(s3);
        var keys = new VerificationKeys(new DigestVerifier(key.ExportSubjectPublicKeyInfo()), null);
        DateTimeOffset? since = periodDays is null ? null : new DateTimeOffset(FirstDay.AddDays(2));
        DateTimeOffset? until = periodDays is { } n ? new DateTimeOffset(FirstDay.AddDays(2 + n).AddTicks(-1)) : null;
        GC.Collect();
        var requestsBefore = endpoint.Requests;
        // CPU besides wall time: on a shared two-core machine it tells a busy machine from slower code (the fake endpoint runs in this process too).
        var cpu = new CpuMeter(null);
        var stopwatch = Stopwatch.StartNew();
        var verified = await new TrailVerifier(store, keys, TimeProvider.System).VerifyAsync("b", new VerificationPeriod(since, until), default);
        if (phases)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  digests verified in {stopwatch.Elapsed.TotalSeconds:0.00} s, {endpoint.Requests - requestsBefore:N0} requests; {cpu.Describe("")}"));
            cpu = new CpuMeter(null);
        }

        var allocatedBefore = GC.GetTotalAllocatedBytes();
        using var sampler = phases && Environment.GetCommandLineArgs().Contains("--allocations") ? new AllocationSampler() : null;

        var outcome = await new AuditLogChecker(new DynamoDbOrderItemSource(dynamoDb), store, new CheckOptions(), TimeProvider.System)
            .CheckAsync(new CheckRequest("orders", "b", null, new CheckScope(since, until), verified), NullOperationReporter.Instance, default);
        stopwatch.Stop();
        if (phases)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  the check (after the digests): {(GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)outcome.AuditObjects / 1024:0.0} KB allocated per object"));
            foreach (var (type, bytes) in sampler?.Top(40) ?? Array.Empty<(string, long)>())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {bytes / (double)outcome.AuditObjects / 1024,6:0.00} KB/object  {type}"));
            }
        }

        var expected = periodDays is { } days ? Math.Min(days, Days - 2) * perDay * ItemsPerOrder : orders * ItemsPerOrder;
        if (outcome.Findings.Count != 0 || outcome.AuditObjects != expected)
        {
            throw new InvalidOperationException($"Expected a clean verification of {expected} objects; got {outcome.AuditObjects} objects, {outcome.Findings.Count} findings "
                + $"(first: {outcome.Findings.FirstOrDefault()?.Kind} {outcome.Findings.FirstOrDefault()?.Detail}).");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {(periodDays is null ? "whole trail" : $"{periodDays} day(s)")}, {orders * ItemsPerOrder:N0} objects stored: {outcome.AuditObjects:N0} verified against "
            + $"{verified.DigestsRead} digest(s) in {stopwatch.Elapsed.TotalSeconds:0.00} s ({outcome.AuditObjects / stopwatch.Elapsed.TotalSeconds:N0}/s), "
            + $"{endpoint.Requests - requestsBefore:N0} requests; {cpu.Describe("")}"));
        return (outcome.AuditObjects, stopwatch.Elapsed.TotalSeconds);
    }


    /// <summary>One day's chain of signed digests, a digest per batch, each naming the one before.</summary>
    private sealed class DigestChainWriter(ECDsa key, DateTime written, FakeAwsEndpoint endpoint)
    {
        private readonly List<DigestEntry> _batch = new();
        private readonly string _chain = written.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-bench";
        private long _position;
        private DigestLink? _previous;

        public void Add(DigestEntry entry)
        {
            _batch.Add(entry);
            if (_batch.Count == BatchSize)
            {
                Flush();
            }
        }

        public void Flush()
        {
            if (_batch.Count == 0)
            {
                return;
            }

            var digest = new DigestDocument
            {
                Chain = _chain, Position = ++_position, Environment = "bench", WrittenAt = written, Previous = _previous, Objects = _batch.ToList(),
            };
            digest = digest with
            {
                Signature = new DigestSignature("bench", DigestDocument.SigningAlgorithm,
                    Convert.ToBase64String(key.SignData(digest.SigningMessage(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))),
            };
            endpoint.PutObject(digest.Key, digest.ToJson());
            _previous = digest.ToLink();
            _batch.Clear();
        }
    }
}

/// <summary>verification-diagnose --allocations: the runtime's allocation samples (one per ~100 KB) by type, to see what a check allocates.</summary>
internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    public IReadOnlyList<(string Type, long Bytes)> Top(int count)
    {
        lock (_bytesByType)
        {
            return _bytesByType.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value)).ToList();
        }
    }

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // GC keyword (0x1) at Verbose: AllocationTick.
            EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null)
        {
            return;
        }

        var type = eventData.Payload![eventData.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var bytes = Convert.ToInt64(eventData.Payload[eventData.PayloadNames.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
        lock (_bytesByType)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + bytes;
        }
    }
}
