namespace OrderMonitoring.Aws;

/// <summary>
/// The one bounded-concurrency loop: a fixed number of workers take the next item until none is left, so at most
/// that many calls run at once and a slow item never holds a whole wave back.
/// </summary>
public static class BoundedConcurrency
{
    /// <summary>Runs <paramref name="action"/> for every item, at most <paramref name="maxConcurrency"/> at once; the first failure is rethrown after all workers stop.</summary>
    /// <param name="items">The work, taken in order.</param>
    /// <param name="maxConcurrency">At least 1.</param>
    /// <param name="action">Receives the item and its index.</param>
    /// <param name="cancellationToken">Checked before each item is started.</param>
    public static async Task ForEachAsync<T>(IReadOnlyList<T> items, int maxConcurrency, Func<T, int, Task> action, CancellationToken cancellationToken)
    {
        if (items is null || action is null)
        {
            throw new ArgumentNullException(items is null ? nameof(items) : nameof(action));
        }

        if (maxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxConcurrency), maxConcurrency, "At least one item must be able to run.");
        }

        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(maxConcurrency, items.Count)).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < items.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await action(items[index], index).ConfigureAwait(false);
            }
        }).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    /// <summary>The result of <paramref name="call"/> for every item, in input order, at most <paramref name="maxConcurrency"/> calls at once.</summary>
    public static async Task<TResult[]> MapAsync<T, TResult>(IReadOnlyList<T> items, int maxConcurrency, Func<T, Task<TResult>> call,
        CancellationToken cancellationToken)
    {
        if (items is null || call is null)
        {
            throw new ArgumentNullException(items is null ? nameof(items) : nameof(call));
        }

        var results = new TResult[items.Count];
        await ForEachAsync(items, maxConcurrency, async (item, index) => results[index] = await call(item).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
        return results;
    }
}
