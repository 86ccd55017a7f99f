using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Foundation;

/// <summary>
/// Keeps what a service reports, for assertions. Services report from several threads at once, so every list is
/// guarded and read as a snapshot.
/// </summary>
internal sealed class RecordingReporter : IOperationReporter
{
    private readonly object _gate = new();
    private readonly List<string> _verbose = new();
    private readonly List<string> _warnings = new();
    private readonly List<OperationProgress> _progress = new();
    private readonly List<object> _output = new();
    private readonly List<(Exception Error, string Target)> _failures = new();

    /// <summary>Verbose lines in order, with warnings among them as "WARNING: ...".</summary>
    public string[] Verbose { get { lock (_gate) { return _verbose.ToArray(); } } }

    public string[] Warnings { get { lock (_gate) { return _warnings.ToArray(); } } }

    public OperationProgress[] Progress { get { lock (_gate) { return _progress.ToArray(); } } }

    public object[] Output { get { lock (_gate) { return _output.ToArray(); } } }

    public (Exception Error, string Target)[] Failures { get { lock (_gate) { return _failures.ToArray(); } } }

    void IOperationReporter.Verbose(string message)
    {
        lock (_gate) { _verbose.Add(message); }
    }

    public void Warning(string message)
    {
        lock (_gate)
        {
            _warnings.Add(message);
            _verbose.Add("WARNING: " + message);
        }
    }

    void IOperationReporter.Progress(OperationProgress progress)
    {
        lock (_gate) { _progress.Add(progress); }
    }

    void IOperationReporter.Output(object item)
    {
        lock (_gate) { _output.Add(item); }
    }

    void IOperationReporter.Failure(Exception error, string target)
    {
        lock (_gate) { _failures.Add((error, target)); }
    }
}
