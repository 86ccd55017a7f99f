// Loads a Lambda package the way the managed runtime does: into its own load context, resolving every dependency
// from the package's deps.json and folder only, then calls the handler by name with an event stream.
// Test support only: Pester compiles it with Add-Type in a fresh pwsh.
#nullable enable
using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Threading.Tasks;

public static class LambdaHost
{
    public static string Invoke(string packageFolder, string handler, string eventJson)
    {
        // handler: Assembly::Namespace.Type::Method
        var parts = handler.Split(new[] { "::" }, StringSplitOptions.None);
        var mainAssembly = Path.Combine(packageFolder, parts[0] + ".dll");
        var context = new PackageLoadContext(mainAssembly);
        var assembly = context.LoadFromAssemblyPath(mainAssembly);
        var type = assembly.GetType(parts[1], throwOnError: true)!;
        var method = type.GetMethod(parts[2], BindingFlags.Public | BindingFlags.Instance)
            ?? throw new MissingMethodException(parts[1], parts[2]);
        var instance = Activator.CreateInstance(type);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(eventJson));
        var task = (Task<Stream>)method.Invoke(instance, new object[] { input })!;
        using var output = task.GetAwaiter().GetResult();
        using var reader = new StreamReader(output);
        return reader.ReadToEnd();
    }

    private sealed class PackageLoadContext : AssemblyLoadContext
    {
        private readonly AssemblyDependencyResolver _resolver;

        public PackageLoadContext(string mainAssembly) : base("lambda-package", isCollectible: false) =>
            _resolver = new AssemblyDependencyResolver(mainAssembly);

        protected override Assembly? Load(AssemblyName name)
        {
            var path = _resolver.ResolveAssemblyToPath(name);
            return path is null ? null : LoadFromAssemblyPath(path);
        }
    }
}
