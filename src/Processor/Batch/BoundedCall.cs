namespace OrderMonitoring.Processor.Batch;

/// <summary>One attempt of a store write or a publish, given at most a fixed time.</summary>
internal static class BoundedCall
{
    /// <summary>
    /// Runs the call with a token cancelled after <paramref name="timeout"/>, and stops waiting when that token fires
    /// even if the call ignores it: a client that never answers must not hold the batch past its deadline.
    /// Throws <see cref="TimeoutException"/> for the attempt's own timeout (worth a retry while time is left) and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> ended it.
    /// </summary>
    public static async Task RunAsync(Func<CancellationToken, Task> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        var abandoned = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (attempt.Token.Register(() => abandoned.TrySetResult(true)))
        {
            var running = call(attempt.Token);
            if (await Task.WhenAny(running, abandoned.Task).ConfigureAwait(false) == running)
            {
                try
                {
                    await running.ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // The call honoured the attempt's timeout: reported below as the timeout it is.
                }
            }
            else
            {
                // The call goes on without us; its eventual failure must not surface as an unobserved task exception.
                _ = running.ContinueWith(task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException($"The call did not answer within {timeout.TotalSeconds:0.###} s.");
    }
}
