namespace OrderMonitoring.Loader;

/// <summary>The simple names of the assemblies the host process was started with (the .NET runtime and PowerShell).</summary>
internal static class PlatformAssemblies
{
    /// <summary>
    /// The host's trusted platform assemblies: what the default context resolves without being asked to probe. In
    /// pwsh that is the shared framework plus PowerShell's own folder; in another host (a test process that hosts
    /// PowerShell) it is that host's runtime and PowerShell SDK.
    /// </summary>
    public static IReadOnlySet<string> Names()
    {
        // A plain loop, not LINQ: this runs on every import, before anything is warmed up, and the import is timed.
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
        foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            names.Add(Path.GetFileNameWithoutExtension(path));
        }

        return names;
    }
}
