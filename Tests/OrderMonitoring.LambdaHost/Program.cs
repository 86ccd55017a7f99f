using System.Reflection;
using System.Runtime.Loader;

// dotnet OrderMonitoring.LambdaHost.dll <function folder> <Assembly::Namespace.Type::Method> <event file>
// Writes the handler's answer to stdout and "peak-rss-kb N" to stderr, as the cold-start benchmark reads them.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: OrderMonitoring.LambdaHost <function folder> <Assembly::Type::Method> <event file>");
    return 2;
}

var (folder, handler, eventFile) = (args[0], args[1].Split("::"), args[2]);
var context = new FunctionLoadContext(Path.Combine(folder, handler[0] + ".dll"));
var type = context.LoadFromAssemblyName(new AssemblyName(handler[0])).GetType(handler[1], throwOnError: true)!;
var function = Activator.CreateInstance(type)!;
var method = type.GetMethod(handler[2]) ?? throw new MissingMethodException(handler[1], handler[2]);

await using var input = File.OpenRead(eventFile);
var call = (Task)method.Invoke(function, [input])!;
await call.ConfigureAwait(false);
var answer = (Stream)call.GetType().GetProperty("Result")!.GetValue(call)!;
using (var reader = new StreamReader(answer))
{
    await Console.Out.WriteAsync(await reader.ReadToEndAsync().ConfigureAwait(false)).ConfigureAwait(false);
}

await Console.Out.FlushAsync().ConfigureAwait(false);
Console.Error.WriteLine($"peak-rss-kb {PeakResidentKilobytes()}");
return 0;

// VmHWM: the most resident memory the process ever had, what Lambda reports as "Max Memory Used".
static long PeakResidentKilobytes() =>
    File.ReadLines("/proc/self/status").Where(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
        .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture))
        .FirstOrDefault();

/// <summary>Resolves the function's assemblies from its own folder by its deps.json, as the Lambda runtime does.</summary>
internal sealed class FunctionLoadContext(string mainAssembly) : AssemblyLoadContext("function")
{
    private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

    protected override Assembly? Load(AssemblyName assemblyName) =>
        _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
}
