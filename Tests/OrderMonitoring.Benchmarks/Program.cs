using OrderMonitoring.Benchmarks;

// `dotnet run -c Release --project Tests/OrderMonitoring.Benchmarks -- <suite>`; `-- --list` names the suites
// (build.ps1 bench runs each one it lists).
var suites = new Dictionary<string, Func<Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["processor"] = ProcessorBenchmark.RunAsync,
    ["orders"] = OrdersBenchmark.RunAsync,
    ["reconciliation"] = ReconciliationBenchmark.RunAsync,
    ["verification"] = VerificationBenchmark.RunAsync,
    ["catchup"] = CatchUpBenchmark.RunAsync,
    ["coldstart"] = ColdStartBenchmark.RunAsync,
};

var requested = args.Length > 0 ? args[0] : "processor";
if (requested == "--list")
{
    foreach (var name in suites.Keys)
    {
        Console.WriteLine(name);
    }

    return 0;
}

// Diagnoses: run by name only, never by build.ps1 bench.
var diagnoses = new Dictionary<string, Func<Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["catchup-diagnose"] = CatchUpDiagnosis.RunAsync,
    ["verification-diagnose"] = VerificationBenchmark.DiagnoseAsync,
};

if (!suites.TryGetValue(requested, out var run) && !diagnoses.TryGetValue(requested, out run))
{
    Console.Error.WriteLine($"Unknown benchmark suite '{requested}'. Known: {string.Join(", ", suites.Keys)}.");
    return 2;
}

return await run();
