using System.Text.RegularExpressions;

namespace OrderMonitoring.Cmdlets.Tests.Layers;

/// <summary>
/// The folders of src/Cmdlets form layers: cmdlets -> capabilities -> a small base. Read from the source (the
/// <c>using</c>s and qualified names), so a new reference that closes a cycle or reaches up a layer fails here.
/// </summary>
public sealed class FolderLayerTests
{
    /// <summary>Every folder and its layer; a folder that is not listed fails <see cref="Every_folder_has_a_layer"/>.</summary>
    private static readonly Dictionary<string, int> Layers = new(StringComparer.Ordinal)
    {
        // The cmdlets: binding, asking, progress and output.
        ["Commands"] = 3,
        ["Binding"] = 3,
        // The capabilities, each a room of services behind small interfaces.
        ["Stacks"] = 2,
        ["Orders"] = 2,
        ["AuditLog"] = 2,
        ["Reconciliation"] = 2,
        // Verification of the trail against its signed digests (Reconciliation builds on it).
        ["Integrity"] = 2,
        ["Streams"] = 2,
        ["FailedBatches"] = 2,
        ["Status"] = 2,
        // The base: errors, failure kinds, the reporter; the output types (namespace OrderMonitoring, seen everywhere).
        ["Foundation"] = 1,
        ["Model"] = 1,
    };

    private static readonly Regex Reference = new(@"\bOrderMonitoring\.Cmdlets\.([A-Z][A-Za-z]*)\b", RegexOptions.Compiled);
    private static readonly Regex Namespace = new(@"^namespace ([\w.]+);", RegexOptions.Compiled | RegexOptions.Multiline);

    [Fact]
    public void Every_folder_has_a_layer()
    {
        Assert.Equal(Layers.Keys.OrderBy(k => k, StringComparer.Ordinal), Graph().Keys.OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_file_is_in_the_namespace_of_its_folder()
    {
        var wrong = SourceFiles()
            .Select(file => (file.Path, Expected: ExpectedNamespace(file.Folders), Actual: Namespace.Match(file.Text).Groups[1].Value))
            .Where(file => file.Expected != file.Actual)
            .Select(file => $"{file.Path}: {file.Actual} (expected {file.Expected})")
            .ToList();
        Assert.Empty(wrong);
    }

    [Fact]
    public void No_folder_reaches_a_higher_layer_or_the_cmdlets_of_its_own()
    {
        var wrong = Graph()
            .SelectMany(folder => folder.Value.Select(target => (From: folder.Key, To: target)))
            .Where(edge => Layers[edge.To] > Layers[edge.From] || (Layers[edge.From] == 1 && edge.From != edge.To))
            .Select(edge => $"{edge.From} -> {edge.To}")
            .ToList();
        Assert.Empty(wrong);
    }

    [Fact]
    public void The_folders_form_no_cycle()
    {
        var graph = Graph();
        Assert.Null(FindCycle(graph));
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle_and_the_reader_finds_references()
    {
        // The checks above pass vacuously if the source is not read or a cycle would go unseen.
        var graph = Graph();
        Assert.Contains("Stacks", graph["Commands"]);
        Assert.Contains("Foundation", graph["Stacks"]);
        var withCycle = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
        };
        Assert.Equal("A -> B -> C -> A", FindCycle(withCycle));
    }

    private static string? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        string? Visit(string node)
        {
            var at = path.IndexOf(node);
            if (at >= 0)
            {
                return string.Join(" -> ", path.Skip(at).Append(node));
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in graph.TryGetValue(node, out var targets) ? targets.OrderBy(t => t, StringComparer.Ordinal) : Enumerable.Empty<string>())
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return graph.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(Visit).FirstOrDefault(cycle => cycle is not null);
    }

    /// <summary>Top folder -> the top folders its files name (by <c>using</c> or a qualified name), itself left out.</summary>
    private static Dictionary<string, HashSet<string>> Graph()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in SourceFiles())
        {
            var from = file.Folders[0];
            var targets = graph.TryGetValue(from, out var known) ? known : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match reference in Reference.Matches(WithoutComments(file.Text)))
            {
                var to = reference.Groups[1].Value;
                if (to != from && to != "Tests")
                {
                    targets.Add(to);
                }
            }
        }

        return graph;
    }

    private static string ExpectedNamespace(IReadOnlyList<string> folders) =>
        folders[0] == "Model" ? "OrderMonitoring" : "OrderMonitoring.Cmdlets." + string.Join(".", folders);

    private static string WithoutComments(string text) => Regex.Replace(text, @"//.*$", "", RegexOptions.Multiline);

    private static IEnumerable<(string Path, IReadOnlyList<string> Folders, string Text)> SourceFiles()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "Cmdlets");
        foreach (var path in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var folders = relative.Split('/').SkipLast(1).ToList();
            if (folders.Count == 0 || folders[0] is "bin" or "obj")
            {
                continue;
            }

            yield return (relative, folders, File.ReadAllText(path));
        }
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrderMonitoring.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (OrderMonitoring.slnx) is not above " + AppContext.BaseDirectory);
    }
}
