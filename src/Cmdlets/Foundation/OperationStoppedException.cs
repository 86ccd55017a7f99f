namespace OrderMonitoring.Cmdlets.Foundation;

/// <summary>
/// A cancellation (Ctrl+C, Stop-Job) that knows what the work did before it stopped and where it stopped. Once a
/// pipeline is stopping nothing more reaches its streams, so <see cref="PipelineBridge"/> shows <see cref="Exception.Message"/>
/// to the user through the host, then stops the pipeline as for any cancellation.
/// </summary>
public sealed class OperationStoppedException : OperationCanceledException
{
    /// <summary>Creates the exception with the summary to show.</summary>
    public OperationStoppedException(string summary, CancellationToken token)
        : base(summary, token)
    {
    }
}
