using System.Runtime.Loader;
using Amazon.Runtime;
using OrderMonitoring.Loader;

namespace OrderMonitoring.Cmdlets.Tests.Loader;

/// <summary>
/// What the module's load context takes from the module folder and what it leaves to the default context. The test
/// host's own platform list holds everything in its bin folder, so each test names the platform it means.
/// </summary>
public sealed class ModuleLoadContextTests : IDisposable
{
    private readonly string _moduleFolder = Path.Combine(Path.GetTempPath(), "om-loader-" + Guid.NewGuid().ToString("N"));

    public ModuleLoadContextTests()
    {
        Directory.CreateDirectory(_moduleFolder);
        foreach (var shipped in new[] { typeof(AWSCredentials).Assembly.Location, typeof(System.Text.Json.JsonDocument).Assembly.Location })
        {
            File.Copy(shipped, Path.Combine(_moduleFolder, Path.GetFileName(shipped)));
        }
    }

    public void Dispose() => Directory.Delete(_moduleFolder, recursive: true);

    [Fact]
    public void A_dependency_shipped_in_the_module_folder_loads_in_the_modules_context_beside_the_default_ones()
    {
        var context = new ModuleLoadContext(_moduleFolder, new HashSet<string>(StringComparer.OrdinalIgnoreCase));

        var ours = context.LoadFromAssemblyName(typeof(AWSCredentials).Assembly.GetName());

        Assert.NotSame(typeof(AWSCredentials).Assembly, ours);
        Assert.Same(context, AssemblyLoadContext.GetLoadContext(ours));
        Assert.Equal(Path.Combine(_moduleFolder, "AWSSDK.Core.dll"), ours.Location);
        Assert.Equal(ModuleLoadContext.ContextName, context.Name);
    }

    [Fact]
    public void A_platform_assembly_comes_from_the_default_context_even_when_the_module_folder_has_a_copy()
    {
        var context = new ModuleLoadContext(_moduleFolder, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "System.Text.Json" });

        var json = context.LoadFromAssemblyName(typeof(System.Text.Json.JsonDocument).Assembly.GetName());

        Assert.Same(typeof(System.Text.Json.JsonDocument).Assembly, json);
    }

    [Fact]
    public void An_assembly_the_module_does_not_ship_is_left_to_the_default_context()
    {
        var context = new ModuleLoadContext(_moduleFolder, new HashSet<string>(StringComparer.OrdinalIgnoreCase));

        var xunitCore = context.LoadFromAssemblyName(typeof(FactAttribute).Assembly.GetName());

        Assert.Same(typeof(FactAttribute).Assembly, xunitCore);
    }
}
