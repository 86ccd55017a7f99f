using System.ComponentModel;
using System.Diagnostics;

namespace OrderMonitoring.Template.Tests;

/// <summary>cfn-lint is the reference for what CloudFormation accepts today (runtimes, property schemas, references).</summary>
public sealed class CfnLintTests
{
    [Fact]
    public async Task Cfn_lint_reports_no_error_warning_or_informational_finding()
    {
        var start = new ProcessStartInfo("cfn-lint")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Informational checks (I) included: e.g. explicit deletion policies on stateful resources.
            ArgumentList = { "--include-checks", "I", "--", OrderMonitoringTemplate.TemplatePath },
        };

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("cfn-lint did not start.");
        }
        catch (Win32Exception exception)
        {
            Assert.Fail($"cfn-lint is not on PATH ({exception.Message}). Install it with: python3 -m pip install cfn-lint");
            return;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var findings = (await output + await error).Trim();
            Assert.True(process.ExitCode == 0 && findings.Length == 0, $"cfn-lint exited {process.ExitCode}:\n{findings}");
        }
    }
}
