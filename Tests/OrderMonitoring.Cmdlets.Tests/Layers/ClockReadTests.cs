using System.Text.RegularExpressions;

namespace OrderMonitoring.Cmdlets.Tests.Layers;

/// <summary>One clock: nothing in src/ reads the time except through an injected TimeProvider.</summary>
public sealed class ClockReadTests
{
    private static readonly Regex ClockRead = new(
        @"\b(DateTime(Offset)?\.(UtcNow|Now|Today)|Stopwatch\.|TimeProvider\.System|Environment\.TickCount)", RegexOptions.Compiled);

    /// <summary>Where the system clock is handed out, and why there.</summary>
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        // The module's one read: cmdlets hand it to the services they build.
        "Cmdlets/Foundation/ModuleClock.cs",
        // The processor's default clock (the Lambda passes no other), read by everything the processor builds.
        "Processor/Batch/BatchProcessorOptions.cs",
        // The JSON logger's default for callers that give none (tests); the processor passes its own clock.
        "Processor/Observability/JsonLogger.cs",
        // Our AWS clients' default clock for their retries (Polly runs on it).
        "Aws/AwsRetryOptions.cs",
    };

    [Fact]
    public void Nothing_in_src_reads_the_clock_directly()
    {
        var root = Path.Combine(FolderLayerTests.RepositoryRoot(), "src");
        var reads = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(path => (File: Path.GetRelativePath(root, path).Replace('\\', '/'), Text: File.ReadAllText(path)))
            .Where(file => !file.File.Contains("/obj/", StringComparison.Ordinal) && !file.File.Contains("/bin/", StringComparison.Ordinal))
            .Where(file => !Allowed.Contains(file.File))
            .SelectMany(file => Regex.Replace(file.Text, @"//.*$", "", RegexOptions.Multiline).Split('\n')
                .Select((line, index) => (file.File, Line: index + 1, Text: line)))
            .Where(line => ClockRead.IsMatch(line.Text))
            .Select(line => $"{line.File}:{line.Line}: {line.Text.Trim()}")
            .ToList();
        Assert.Empty(reads);
    }

    [Fact]
    public void The_pattern_sees_a_clock_read()
    {
        Assert.Matches(ClockRead, "var now = DateTimeOffset.UtcNow;");
        Assert.Matches(ClockRead, "_time = time ?? TimeProvider.System;");
        Assert.DoesNotMatch(ClockRead, "var now = _time.GetUtcNow();");
    }
}
