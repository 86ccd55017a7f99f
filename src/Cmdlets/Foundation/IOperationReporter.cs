namespace OrderMonitoring.Cmdlets.Foundation;

/// <summary>
/// How a service talks back to whoever runs it while it works: the cmdlet (through <see cref="PipelineBridge"/>,
/// which moves every call onto the pipeline thread) or a test. Free of PowerShell types on purpose.
/// Implementations must be safe to call from any thread.
/// </summary>
public interface IOperationReporter
{
    /// <summary>A detail for <c>-Verbose</c>.</summary>
    void Verbose(string message);

    /// <summary>Something the user should notice but that does not stop the operation.</summary>
    void Warning(string message);

    /// <summary>Progress of a long operation (<c>Write-Progress</c>).</summary>
    void Progress(OperationProgress progress);

    /// <summary>An output object written while the operation still runs (streamed, not collected).</summary>
    void Output(object item);

    /// <summary>One item failed and the operation goes on (a non-terminating error naming <paramref name="target"/>).</summary>
    void Failure(Exception error, string target);
}

/// <summary>One progress update; <see cref="Completed"/> removes the bar.</summary>
/// <param name="ActivityId">Distinguishes concurrent bars of one cmdlet.</param>
/// <param name="Activity">What is being done, e.g. "Deploying order-monitoring-dev".</param>
/// <param name="Status">Where it is, e.g. "12 of 20 resources complete".</param>
/// <param name="PercentComplete">0-100, or null when unknown.</param>
/// <param name="CurrentOperation">The latest step, e.g. the latest stack event.</param>
/// <param name="Completed">True when the activity is finished.</param>
public sealed record OperationProgress(int ActivityId, string Activity, string Status, int? PercentComplete = null,
    string? CurrentOperation = null, bool Completed = false);

/// <summary>A reporter that drops everything (services called where nobody listens).</summary>
public sealed class NullOperationReporter : IOperationReporter
{
    /// <summary>The shared instance (stateless).</summary>
    public static readonly NullOperationReporter Instance = new();

    /// <inheritdoc />
    public void Verbose(string message)
    {
    }

    /// <inheritdoc />
    public void Warning(string message)
    {
    }

    /// <inheritdoc />
    public void Progress(OperationProgress progress)
    {
    }

    /// <inheritdoc />
    public void Output(object item)
    {
    }

    /// <inheritdoc />
    public void Failure(Exception error, string target)
    {
    }
}
