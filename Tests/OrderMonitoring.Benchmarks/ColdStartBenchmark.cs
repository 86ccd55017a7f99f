using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using OrderMonitoring.Processor.Template;

namespace OrderMonitoring.Benchmarks;

/// <summary>
/// Cold start, ours beside the seed's: each run is a fresh process that loads the function the way Lambda's runtime
/// does and answers one batch of 10 FAILED orders (10 audit writes, 10 alerts) against the same local endpoint (20 ms
/// per call). Ours: the processor zip exactly as deployed, unpacked, loaded by <c>OrderMonitoring.LambdaHost</c> (a
/// stand-in for the managed .NET runtime). The seed's: its inline Node.js handler in a fresh <c>node</c> with the AWS
/// SDK v3 the Node.js runtime ships. Time from process start to the answer, and peak resident memory (what Lambda
/// reports as Max Memory Used). Goal: ours no slower. The runtimes' own start-up before the handler is loaded (the
/// sandbox, the runtime API loop) is the same work for any function and is not in either number.
/// </summary>
internal static class ColdStartBenchmark
{
    private const int Runs = 5;
    private const int Orders = 10;
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync()
    {
        var repository = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("om-coldstart-");
        try
        {
            var ours = PrepareOurs(repository, work.FullName);
            var seed = await PrepareSeedAsync(repository).ConfigureAwait(false);
            var eventFile = Path.Combine(work.FullName, "event.json");
            await File.WriteAllTextAsync(eventFile, StreamEvent(Orders)).ConfigureAwait(false);

            using var endpoint = new FakeAwsEndpoint(Latency);
            Console.WriteLine($"Cold start: a fresh process answers one batch of {Orders} FAILED orders ({Orders} audit writes, {Orders} alerts; endpoint adds {Latency.TotalMilliseconds:0} ms per call), median of {Runs} runs each.");
            // One unmeasured run each: the first start after a build pays for the disk cache, not for the runtime.
            await RunOnceAsync(ours with { Arguments = [.. ours.Arguments, eventFile] }, endpoint).ConfigureAwait(false);
            await RunOnceAsync(seed with { Arguments = [.. seed.Arguments, eventFile] }, endpoint).ConfigureAwait(false);

            var oursRuns = new List<Measurement>();
            var seedRuns = new List<Measurement>();
            for (var i = 0; i < Runs; i++)
            {
                // Alternating, so a change in the machine's load falls on both alike.
                oursRuns.Add(await RunOnceAsync(ours with { Arguments = [.. ours.Arguments, eventFile] }, endpoint).ConfigureAwait(false));
                seedRuns.Add(await RunOnceAsync(seed with { Arguments = [.. seed.Arguments, eventFile] }, endpoint).ConfigureAwait(false));
            }

            var oursMedian = Median(oursRuns);
            var seedMedian = Median(seedRuns);
            var met = oursMedian.Milliseconds <= seedMedian.Milliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {"ours (.NET 10, ReadyToRun " + HostArchitecture() + ")",-36} start -> answer {oursMedian.Milliseconds,7:0} ms   peak memory {oursMedian.PeakKilobytes / 1024.0,6:0.0} MB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {"seed (Node.js " + NodeVersion() + ", AWS SDK v3)",-36} start -> answer {seedMedian.Milliseconds,7:0} ms   peak memory {seedMedian.PeakKilobytes / 1024.0,6:0.0} MB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ours / seed: time {oursMedian.Milliseconds / seedMedian.Milliseconds:0.00}x, memory {(double)oursMedian.PeakKilobytes / seedMedian.PeakKilobytes:0.00}x | goal: time <= 1.00x  [{(met ? "met" : "MISSED")}]"));
            Console.WriteLine(met ? "The cold-start scenario met its goal." : "The cold-start scenario missed its goal.");
            return met ? 0 : 1;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static Launch PrepareOurs(string repository, string work)
    {
        // The zip of this machine's architecture: its ReadyToRun code is what a function of that architecture starts with.
        var architecture = HostArchitecture();
        var zips = Directory.GetFiles(Path.Combine(repository, "out", "processor"), $"order-processor-{architecture}-*.zip");
        if (zips.Length != 1)
        {
            throw new InvalidOperationException($"Expected exactly one {architecture} processor zip in out/processor; run build.ps1 build first.");
        }

        var function = Path.Combine(work, "function");
        ZipFile.ExtractToDirectory(zips[0], function);
        // The host is built beside this benchmark, in the same configuration.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var host = Path.Combine(repository, "Tests", "OrderMonitoring.LambdaHost", "bin", configuration, "net10.0", "OrderMonitoring.LambdaHost.dll");
        var environment = new Dictionary<string, string>
        {
            [TemplateContract.FunctionVariables.AuditBucketName] = "bench-audit",
            [TemplateContract.FunctionVariables.TopicArn] = "arn:aws:sns:us-east-1:123456789012:bench-alerts",
            [TemplateContract.FunctionVariables.EnvironmentSuffix] = "bench",
            [TemplateContract.FunctionVariables.FunctionTimeoutSeconds] = "60",
        };
        // The managed runtime starts with the function's own runtimeconfig.json (framework, GC and globalization settings).
        var runtimeConfig = Path.Combine(function, "OrderMonitoring.Processor.runtimeconfig.json");
        return new Launch("dotnet", ["exec", "--runtimeconfig", runtimeConfig, host, function, "OrderMonitoring.Processor::OrderMonitoring.Processor.Function::HandleAsync"], environment,
            Answered: output => output.Contains("\"batchItemFailures\":[]", StringComparison.Ordinal));
    }

    private static async Task<Launch> PrepareSeedAsync(string repository)
    {
        var folder = Path.Combine(repository, "Tests", "OrderMonitoring.Benchmarks", "ColdStart", "seed");
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            // The SDK versions the lock file pins; npm reads the registry it is configured for.
            var install = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = folder })!;
            await install.WaitForExitAsync().ConfigureAwait(false);
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {folder} failed (exit {install.ExitCode}).");
            }
        }

        var environment = new Dictionary<string, string>
        {
            ["AUDIT_BUCKET_NAME"] = "bench-audit",
            ["SNS_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:bench-alerts",
        };
        return new Launch("node", [Path.Combine(folder, "run.js")], environment,
            Answered: output => output.Contains("Processing complete", StringComparison.Ordinal));
    }

    private static async Task<Measurement> RunOnceAsync(Launch launch, FakeAwsEndpoint endpoint)
    {
        var start = new ProcessStartInfo(launch.FileName, launch.Arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in new[] { "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["AWS_ENDPOINT_URL"] = endpoint.Url;
        start.Environment["AWS_ACCESS_KEY_ID"] = "test";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "test";
        start.Environment["AWS_REGION"] = "us-east-1";
        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        foreach (var (name, value) in launch.Environment)
        {
            start.Environment[name] = value;
        }

        var (putsBefore, publishedBefore) = (endpoint.PutsUnder("orders/").Writes, endpoint.Published);
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        stopwatch.Stop();
        var (stdout, stderr) = (await output.ConfigureAwait(false), await errors.ConfigureAwait(false));
        // Audit objects only (orders/, where both handlers write them): ours also writes a digest of the batch.
        var (puts, published) = (endpoint.PutsUnder("orders/").Writes - putsBefore, endpoint.Published - publishedBefore);
        if (process.ExitCode != 0 || !launch.Answered(stdout) || puts != Orders || published != Orders)
        {
            throw new InvalidOperationException(
                $"{launch.FileName} did not answer the batch (exit {process.ExitCode}, {puts} objects written, {published} alerts):\n{Tail(stdout)}\n{Tail(stderr)}");
        }

        var peak = stderr.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith("peak-rss-kb ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{launch.FileName} did not report its peak memory:\n{Tail(stderr)}");
        return new Measurement(stopwatch.Elapsed.TotalMilliseconds, long.Parse(peak["peak-rss-kb ".Length..], CultureInfo.InvariantCulture));
    }

    private static Measurement Median(List<Measurement> runs)
    {
        var times = runs.Select(run => run.Milliseconds).Order().ToList();
        var memory = runs.Select(run => run.PeakKilobytes).Order().ToList();
        return new Measurement(times[times.Count / 2], memory[memory.Count / 2]);
    }

    private static string StreamEvent(int orders)
    {
        var records = new StringBuilder();
        for (var i = 0; i < orders; i++)
        {
            var orderId = $"ORD-COLD-{i:D3}";
            records.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $$$"""
                {"eventID":"{{{Guid.NewGuid():N}}}","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
                 "dynamodb":{"ApproximateCreationDateTime":1700000000,"SequenceNumber":"{{{400_000_000_000_000_000m + i}}}","SizeBytes":120,"StreamViewType":"NEW_AND_OLD_IMAGES",
                   "Keys":{"orderId":{"S":"{{{orderId}}}"},"timestamp":{"N":"1700000000000"}},
                   "NewImage":{"orderId":{"S":"{{{orderId}}}"},"timestamp":{"N":"1700000000000"},"status":{"S":"FAILED"},"amount":{"N":"129.99"} } },
                 "eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/order-events-bench/stream/2026-12-06T00:00:00.000"}
                """);
        }

        var json = $"{{\"Records\":[{records}]}}";
        using var _ = JsonDocument.Parse(json); // a malformed event would measure an error path, not a cold start
        return json;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrderMonitoring.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (OrderMonitoring.slnx) is not above the benchmark's folder.");
    }

    private static string HostArchitecture() =>
        System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64
            ? TemplateContract.Architectures.Arm64 : TemplateContract.Architectures.X86_64;

    private static string NodeVersion()
    {
        using var node = Process.Start(new ProcessStartInfo("node", ["--version"]) { RedirectStandardOutput = true })!;
        var version = node.StandardOutput.ReadToEnd().Trim().TrimStart('v');
        node.WaitForExit();
        return version.Split('.')[0];
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];

    private sealed record Launch(string FileName, string[] Arguments, Dictionary<string, string> Environment, Func<string, bool> Answered);

    private sealed record Measurement(double Milliseconds, long PeakKilobytes);
}
