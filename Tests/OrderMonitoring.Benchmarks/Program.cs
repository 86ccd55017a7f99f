using OrderMonitoring.Benchmarks;

// `dotnet run -c Release --project Tests/OrderMonitoring.Benchmarks -- processor`
var suite = args.Length > 0 ? args[0] : "processor";
switch (suite)
{
    case "processor":
        return await ProcessorBenchmark.RunAsync();
    default:
        Console.Error.WriteLine($"Unknown benchmark suite '{suite}'. Known: processor.");
        return 2;
}
