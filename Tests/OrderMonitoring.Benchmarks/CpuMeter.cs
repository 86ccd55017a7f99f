using System.Diagnostics;
using System.Globalization;

namespace OrderMonitoring.Benchmarks;

/// <summary>
/// The CPU this process and another one (moto) used over a stretch of wall time, and the machine's load: on a shared
/// two-core machine it tells a slow run on a busy machine from slower code, and which side of a pipeline is busy.
/// </summary>
internal sealed class CpuMeter
{
    private readonly Process _self = Process.GetCurrentProcess();
    private readonly Process? _other;
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _selfBefore;
    private readonly TimeSpan _otherBefore;

    public CpuMeter(int? otherProcessId)
    {
        _other = otherProcessId is { } id ? Process.GetProcessById(id) : null;
        _selfBefore = _self.TotalProcessorTime;
        _otherBefore = _other?.TotalProcessorTime ?? TimeSpan.Zero;
    }

    /// <summary>CPU seconds this process used so far.</summary>
    public double SelfSeconds
    {
        get
        {
            _self.Refresh();
            return (_self.TotalProcessorTime - _selfBefore).TotalSeconds;
        }
    }

    /// <summary>"CPU: this process 9.1 s (0.9 cores), moto 8.0 s (0.8 cores), load 3.2".</summary>
    public string Describe(string otherName)
    {
        _self.Refresh();
        _other?.Refresh();
        var wall = _wall.Elapsed.TotalSeconds;
        var self = (_self.TotalProcessorTime - _selfBefore).TotalSeconds;
        var text = string.Create(CultureInfo.InvariantCulture, $"CPU: this process {self:0.0} s ({self / wall:0.00} cores)");
        if (_other is not null)
        {
            var other = (_other.TotalProcessorTime - _otherBefore).TotalSeconds;
            text += string.Create(CultureInfo.InvariantCulture, $", {otherName} {other:0.0} s ({other / wall:0.00} cores)");
        }

        return text + $", load {LoadAverage()}";
    }

    /// <summary>The 1-minute load average where the OS reports one (Linux), else "n/a".</summary>
    public static string LoadAverage()
    {
        const string LoadFile = "/proc/loadavg";
        return File.Exists(LoadFile) ? File.ReadAllText(LoadFile).Split(' ')[0] : "n/a";
    }
}
