using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderMonitoring.Template.Tests;

/// <summary>
/// Runs Tests/Compliance/check-template.js once for the test class (one synthesis takes seconds) and keeps its report.
/// The node packages come from the committed package-lock.json: <c>build.ps1 test</c> runs <c>npm ci</c> there when
/// node_modules is missing.
/// </summary>
public sealed class RulePackRun : IAsyncLifetime
{
    public const string AcknowledgementsFile = "Tests/Compliance/acknowledgements.json";

    private RulePackReport? _report;

    public RulePackReport Report => _report ?? throw new InvalidOperationException("The rule packs have not run.");

    public async Task InitializeAsync()
    {
        var folder = ComplianceFolder();
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            Assert.Fail($"{folder}/node_modules is missing: run 'npm ci' there (build.ps1 test does it).");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
            ArgumentList = { "check-template.js", OrderMonitoringTemplate.TemplatePath, Path.Combine(folder, "acknowledgements.json") },
        };

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception exception)
        {
            Assert.Fail($"node is not on PATH ({exception.Message}); the rule-pack check needs Node.js 20 or later.");
            return;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var json = await output;
            // cdk writes its own report to stderr as well; only a failed run needs it.
            var diagnostics = await error;
            Assert.True(process.ExitCode == 0, $"check-template.js exited {process.ExitCode}:\n{diagnostics}");
            _report = JsonSerializer.Deserialize<RulePackReport>(json, JsonOptions)
                ?? throw new InvalidOperationException("check-template.js printed no report.");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Tests/Compliance of the repository the tests were built from: the first ancestor of the test binaries that has it.</summary>
    private static string ComplianceFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "Tests", "Compliance");
            if (File.Exists(Path.Combine(candidate, "check-template.js")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No Tests/Compliance/check-template.js above {AppContext.BaseDirectory}.");
    }
}

/// <summary>What check-template.js prints.</summary>
public sealed record RulePackReport(
    IReadOnlyList<string> Packs,
    IReadOnlyList<RulePackFinding> Findings,
    IReadOnlyList<RulePackAcknowledgement> UnmatchedAcknowledgements,
    IReadOnlyList<string> PluginErrors);

/// <summary>One finding: cdk-nag's finding id (rule), the template's logical id, and the acknowledgement's reason if any.</summary>
public sealed record RulePackFinding(
    string Pack,
    string Rule,
    string Resource,
    string Severity,
    string Description,
    bool Acknowledged,
    [property: JsonPropertyName("reason")] string? Reason);

/// <summary>One entry of the acknowledgements file.</summary>
public sealed record RulePackAcknowledgement(string Pack, string Rule, string Resource, string Reason);
