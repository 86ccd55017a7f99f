using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>The files the module ships beside its assembly: the template and the processor zip.</summary>
internal static class ModuleFiles
{
    private static string ModuleDirectory => Path.GetDirectoryName(typeof(ModuleFiles).Assembly.Location) ?? ".";

    /// <summary>templates/order-monitoring.json in the module folder.</summary>
    public static string TemplatePath()
    {
        var path = Path.Combine(ModuleDirectory, "templates", "order-monitoring.json");
        return File.Exists(path) ? path : throw Missing(path);
    }

    /// <summary>processor/order-processor-&lt;hash&gt;.zip in the module folder (the newest when there are several).</summary>
    /// <summary>The processor zip of each architecture (order-processor-&lt;architecture&gt;-&lt;hash&gt;.zip), every one the template offers.</summary>
    public static IReadOnlyDictionary<string, string> ProcessorZipPaths()
    {
        var folder = Path.Combine(ModuleDirectory, "processor");
        var zips = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var architecture in TemplateContract.Architectures.All)
        {
            var zip = Directory.Exists(folder)
                ? new DirectoryInfo(folder).GetFiles($"order-processor-{architecture}-*.zip").OrderByDescending(file => file.LastWriteTimeUtc).FirstOrDefault()
                : null;
            zips[architecture] = zip?.FullName ?? throw Missing(Path.Combine(folder, $"order-processor-{architecture}-<hash>.zip"));
        }

        return zips;
    }

    private static OrderMonitoringException Missing(string path) =>
        new("ModuleFileMissing", FailureKind.NotFound, $"The module is incomplete: {path} is missing.",
            "Reinstall the module, or build it with 'dotnet pwsh ./build.ps1 build' (which stages the template and the processor zip).");
}
