using System.Collections.Concurrent;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// A deliberate process-wide cache of the order-monitoring stacks per connection (region, endpoint, credentials),
/// kept for <see cref="TimeToLive"/> and then refreshed in the background. A lookup waits at most <see cref="WaitBudget"/>; a slower answer lands in the
/// cache for the next Tab press instead of holding the prompt.
/// </summary>
internal sealed class EnvironmentNameCache
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan WaitBudget = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Func<AwsConnection, CancellationToken, Task<IReadOnlyList<KnownStack>>> _list;
    private readonly TimeProvider _time;

    public EnvironmentNameCache(Func<AwsConnection, CancellationToken, Task<IReadOnlyList<KnownStack>>> list, TimeProvider? time = null)
    {
        _list = list;
        _time = time ?? ModuleClock.System;
    }

    /// <summary>The cache the completer uses: stacks listed through CloudFormation.</summary>
    public static EnvironmentNameCache Shared { get; } = new(ListStacksAsync);

    /// <summary>
    /// The stacks for this connection: cached, fetched within the budget, or none yet. An expired entry is refreshed
    /// in the background while its names are offered.
    /// </summary>
    public IReadOnlyList<KnownStack> Get(AwsConnection connection, string identity)
    {
        var key = KeyOf(connection, identity);
        var now = _time.GetUtcNow().UtcDateTime;
        var entry = _entries.AddOrUpdate(
            key,
            _ => Fetch(connection, now, previous: null),
            (_, existing) => existing.IsStale(now) && existing.Task.IsCompleted ? Fetch(connection, now, existing.Answer) : existing);

        if (!entry.Task.IsCompleted && entry.Previous is { } previous)
        {
            return previous;
        }

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
            // A failed lookup (no credentials, endpoint down) offers nothing; the next Tab tries again.
        }

        return entry.Answer ?? Array.Empty<KnownStack>();
    }

    /// <summary>The latest fetch for a connection (for tests that must wait for a background refresh).</summary>
    internal Task? FetchOf(AwsConnection connection, string identity) =>
        _entries.TryGetValue(KeyOf(connection, identity), out var entry) ? entry.Task : null;

    private static string KeyOf(AwsConnection connection, string identity) =>
        string.Join("|", connection.Region.SystemName, connection.EndpointFor(AwsServiceIds.CloudFormation)?.ToString() ?? string.Empty, identity);

    private Entry Fetch(AwsConnection connection, DateTime now, IReadOnlyList<KnownStack>? previous)
    {
        var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var task = Task.Run(() => _list(connection, cancellation.Token));
        _ = task.ContinueWith(_ => cancellation.Dispose(), TaskScheduler.Default);
        return new Entry(now, task, previous);
    }

    private static async Task<IReadOnlyList<KnownStack>> ListStacksAsync(AwsConnection connection, CancellationToken cancellationToken)
    {
        using var services = new StackServices(new AwsClientFactory(connection));
        var stacks = await services.Reader.ListAsync(cancellationToken, fillMissingNames: false).ConfigureAwait(false);
        return stacks.Select(stack => new KnownStack(stack.Environment, stack.StackName, stack.Status)).ToList();
    }

    private sealed class Entry
    {
        public Entry(DateTime fetchedAt, Task<IReadOnlyList<KnownStack>> task, IReadOnlyList<KnownStack>? previous)
        {
            FetchedAt = fetchedAt;
            Task = task;
            Previous = previous;
        }

        public DateTime FetchedAt { get; }

        public Task<IReadOnlyList<KnownStack>> Task { get; }

        /// <summary>The names of the expired entry this one refreshes, offered until the refresh completes.</summary>
        public IReadOnlyList<KnownStack>? Previous { get; }

        /// <summary>The fetched names once the fetch succeeded, else the previous ones (if any).</summary>
        public IReadOnlyList<KnownStack>? Answer => Task.Status == TaskStatus.RanToCompletion ? Task.GetAwaiter().GetResult() : Previous;

        public bool IsStale(DateTime now) => now - FetchedAt > TimeToLive || Task.IsFaulted || Task.IsCanceled;
    }
}

/// <summary>One stack the completer can offer.</summary>
internal sealed record KnownStack(string Environment, string StackName, string Status);
