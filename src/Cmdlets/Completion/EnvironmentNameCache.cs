using System.Collections.Concurrent;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Services;

namespace OrderMonitoring.Cmdlets.Completion;

/// <summary>
/// A deliberate process-wide cache of the order-monitoring stacks per connection (region, endpoint, credentials),
/// kept for <see cref="TimeToLive"/>. A lookup waits at most <see cref="WaitBudget"/>; a slower answer lands in the
/// cache for the next Tab press instead of holding the prompt.
/// </summary>
internal sealed class EnvironmentNameCache
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan WaitBudget = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Func<AwsConnection, CancellationToken, Task<IReadOnlyList<KnownStack>>> _list;
    private readonly Func<DateTime> _clock;

    public EnvironmentNameCache(Func<AwsConnection, CancellationToken, Task<IReadOnlyList<KnownStack>>> list, Func<DateTime>? clock = null)
    {
        _list = list;
        _clock = clock ?? (() => DateTime.UtcNow);
    }

    /// <summary>The cache the completer uses: stacks listed through CloudFormation.</summary>
    public static EnvironmentNameCache Shared { get; } = new(ListStacksAsync);

    /// <summary>The stacks for this connection: cached, fetched within the budget, or none yet.</summary>
    public IReadOnlyList<KnownStack> Get(AwsConnection connection, string identity)
    {
        var key = string.Join("|", connection.Region.SystemName, connection.EndpointFor(AwsServiceIds.CloudFormation)?.ToString() ?? string.Empty, identity);
        var now = _clock();
        var entry = _entries.AddOrUpdate(
            key,
            _ => Fetch(connection, now),
            (_, existing) => existing.IsStale(now) && existing.Task.IsCompleted ? Fetch(connection, now) : existing);

        // IArgumentCompleter is synchronous: this bounded wait is the one place the module blocks on a task.
        // It never deadlocks (the fetch runs on the thread pool with ConfigureAwait(false)) and never outlasts the budget.
        try
        {
            if (!entry.Task.IsCompleted && !entry.Task.Wait(WaitBudget))
            {
                return Array.Empty<KnownStack>();
            }
        }
        catch (AggregateException)
        {
            // A failed lookup (no credentials, endpoint down) offers nothing; the next Tab after the TTL tries again.
        }

        return entry.Task.Status == TaskStatus.RanToCompletion ? entry.Task.GetAwaiter().GetResult() : Array.Empty<KnownStack>();
    }

    private Entry Fetch(AwsConnection connection, DateTime now)
    {
        var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var task = Task.Run(() => _list(connection, cancellation.Token));
        _ = task.ContinueWith(_ => cancellation.Dispose(), TaskScheduler.Default);
        return new Entry(now, task);
    }

    private static async Task<IReadOnlyList<KnownStack>> ListStacksAsync(AwsConnection connection, CancellationToken cancellationToken)
    {
        using var services = new StackServices(new AwsClientFactory(connection));
        var stacks = await services.Reader.ListAsync(cancellationToken, fillMissingNames: false).ConfigureAwait(false);
        return stacks.Select(stack => new KnownStack(stack.Environment, stack.StackName, stack.Status)).ToList();
    }

    private sealed class Entry
    {
        public Entry(DateTime fetchedAt, Task<IReadOnlyList<KnownStack>> task)
        {
            FetchedAt = fetchedAt;
            Task = task;
        }

        public DateTime FetchedAt { get; }

        public Task<IReadOnlyList<KnownStack>> Task { get; }

        public bool IsStale(DateTime now) => now - FetchedAt > TimeToLive || Task.IsFaulted || Task.IsCanceled;
    }
}

/// <summary>One stack the completer can offer.</summary>
internal sealed record KnownStack(string Environment, string StackName, string Status);
