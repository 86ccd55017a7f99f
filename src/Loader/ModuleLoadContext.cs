using System.Reflection;
using System.Runtime.Loader;

namespace OrderMonitoring.Loader;

/// <summary>
/// The module's own load context: OrderMonitoring.Cmdlets and every dependency shipped beside it (AWSSDK.*, Polly,
/// the processor) load here, from the module folder, whatever builds of the same names other modules (AWS.Tools) have
/// loaded into the default context, before or after us. Assemblies the platform provides (the .NET runtime,
/// PowerShell itself: System.Management.Automation, System.Text.Json, Microsoft.Bcl.AsyncInterfaces) come from the
/// default context, so the cmdlets derive from PowerShell's own PSCmdlet and the platform is loaded once.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    /// <summary>The name PowerShell users see in <c>[System.Runtime.Loader.AssemblyLoadContext]::All</c>.</summary>
    public const string ContextName = "OrderMonitoring";

    /// <summary>The module assembly the root script module imports.</summary>
    public const string ModuleAssemblyName = "OrderMonitoring.Cmdlets";

    // One context per process, on purpose: an imported binary module can never be unloaded, so a second import
    // (Import-Module -Force, a second runspace) must reuse the assemblies already loaded instead of loading copies.
    private static readonly object Gate = new();
    private static ModuleLoadContext? _loaded;

    private readonly string _moduleDirectory;
    private readonly IReadOnlySet<string> _platformAssemblies;

    internal ModuleLoadContext(string moduleDirectory, IReadOnlySet<string> platformAssemblies)
        : base(ContextName, isCollectible: false)
    {
        _moduleDirectory = moduleDirectory;
        _platformAssemblies = platformAssemblies;
    }

    /// <summary>
    /// Loads OrderMonitoring.Cmdlets from <paramref name="moduleDirectory"/> into the module's context (created on the
    /// first call; later calls return the assembly already loaded) and returns it for <c>Import-Module -Assembly</c>.
    /// </summary>
    public static Assembly LoadModule(string moduleDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(moduleDirectory);
        lock (Gate)
        {
            _loaded ??= new ModuleLoadContext(Path.GetFullPath(moduleDirectory), PlatformAssemblies.Names());
            return _loaded.LoadFromAssemblyName(new AssemblyName(ModuleAssemblyName));
        }
    }

    /// <summary>
    /// A platform assembly, or one the module does not ship: null, so the default context resolves it. Anything else
    /// the module ships: loaded here from the module folder.
    /// </summary>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is not { Length: > 0 } name || _platformAssemblies.Contains(name))
        {
            return null;
        }

        var path = Path.Combine(_moduleDirectory, name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
