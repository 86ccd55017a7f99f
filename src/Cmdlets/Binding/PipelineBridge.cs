using System.Collections.Concurrent;
using System.Management.Automation;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// Runs async service code from a cmdlet without blocking on a task and without writing to the pipeline from another
/// thread (PowerShell forbids both). The work runs on the thread pool; everything it reports is queued and the cmdlet
/// thread pumps the queue until the work completes.
/// </summary>
internal sealed class PipelineBridge : IOperationReporter
{
    private readonly Cmdlet _cmdlet;
    private readonly BlockingCollection<Action> _writes = new();

    // What the work said when it was stopped (OperationStoppedException), shown through the host after the stop.
    private volatile string? _stopSummary;

    /// <summary>A bridge for one run on <paramref name="cmdlet"/>'s pipeline thread.</summary>
    public PipelineBridge(Cmdlet cmdlet) => _cmdlet = cmdlet;

    /// <summary>
    /// Runs <paramref name="work"/> and pumps its writes until it completes; returns its result or rethrows its
    /// exception. <paramref name="cancellation"/> is cancelled by StopProcessing; a write that fails (the pipeline
    /// is stopping) cancels the work too.
    /// </summary>
    public T Run<T>(Func<IOperationReporter, CancellationToken, Task<T>> work, CancellationTokenSource cancellation)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                return await work(this, cancellation.Token).ConfigureAwait(false);
            }
            catch (OperationStoppedException stopped)
            {
                _stopSummary = stopped.Message;
                throw;
            }
        });
        _ = task.ContinueWith(_ => _writes.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        Exception? writeFailure = null;
        foreach (var write in _writes.GetConsumingEnumerable())
        {
            if (writeFailure is not null)
            {
                continue; // drain, so the work can finish; nothing more reaches the pipeline
            }

            try
            {
                write();
            }
            catch (Exception ex)
            {
                writeFailure = ex;
                cancellation.Cancel();
            }
        }

        if (writeFailure is not null)
        {
            // A write refused because the pipeline is stopping: the work has ended by now and may say where it stopped.
            if (writeFailure is PipelineStoppedException)
            {
                ShowStopSummary();
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(writeFailure).Throw();
        }

        if (task.IsCanceled || (task.IsFaulted && cancellation.IsCancellationRequested && IsCancellation(task.Exception)))
        {
            ShowStopSummary();
            throw new PipelineStoppedException();
        }

        // The task has completed (the queue closes only then), so this does not block; it unwraps the exception.
        return task.GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public void Verbose(string message) => Enqueue(() => _cmdlet.WriteVerbose(message));

    /// <inheritdoc />
    public void Warning(string message) => Enqueue(() => _cmdlet.WriteWarning(message));

    /// <inheritdoc />
    public void Output(object item) => Enqueue(() => _cmdlet.WriteObject(item));

    /// <inheritdoc />
    public void Failure(Exception error, string target) => Enqueue(() => _cmdlet.WriteError(ErrorRecordFactory.Create(error, target)));

    /// <summary>
    /// Runs <paramref name="question"/> (ShouldProcess, ShouldContinue) on the pipeline thread, where PowerShell allows
    /// it, and hands its answer back to the work; a question that cannot be asked fails the work with its error.
    /// </summary>
    public Task<bool> AskAsync(Func<bool> question)
    {
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(() =>
        {
            try
            {
                answer.SetResult(question());
            }
            catch (Exception error)
            {
                answer.SetException(error);
            }
        });
        return answer.Task;
    }

    /// <inheritdoc />
    public void Progress(OperationProgress progress) => Enqueue(() => _cmdlet.WriteProgress(ToRecord(progress)));

    private static ProgressRecord ToRecord(OperationProgress progress)
    {
        var record = new ProgressRecord(progress.ActivityId, progress.Activity, string.IsNullOrEmpty(progress.Status) ? " " : progress.Status)
        {
            RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        if (progress.PercentComplete is { } percent)
        {
            record.PercentComplete = Math.Max(0, Math.Min(100, percent));
        }

        if (!string.IsNullOrEmpty(progress.CurrentOperation))
        {
            record.CurrentOperation = progress.CurrentOperation;
        }

        return record;
    }

    // The streams no longer take anything while the pipeline stops; the host still shows a line, and a stopped run
    // must say what it did and where it stopped.
    private void ShowStopSummary()
    {
        if (_stopSummary is { } summary && (_cmdlet as PSCmdlet)?.Host?.UI is { } ui)
        {
            try
            {
                ui.WriteWarningLine(summary);
            }
            catch (Exception ex) when (ex is PipelineStoppedException or InvalidOperationException or NotImplementedException)
            {
                // A host without a console: the summary has nowhere to go, the stop itself still happens.
            }
        }
    }

    private static bool IsCancellation(AggregateException? exception) =>
        exception?.Flatten().InnerExceptions.All(inner => inner is OperationCanceledException) == true;

    private void Enqueue(Action write)
    {
        // After completion nothing may be written; a late call from a stray continuation is dropped, not thrown.
        try
        {
            _writes.Add(write);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
