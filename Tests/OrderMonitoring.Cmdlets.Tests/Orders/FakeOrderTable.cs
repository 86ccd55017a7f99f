using System.Collections.Concurrent;
using System.Text.Json;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Cmdlets.Orders;

namespace OrderMonitoring.Cmdlets.Tests.Orders;

/// <summary>An order table in memory that can refuse items a given number of times (as throttled BatchWriteItem does).</summary>
internal sealed class FakeOrderTable : IOrderTable
{
    private readonly object _gate = new();
    private int _inFlight;

    public List<OrderEvent> Items { get; } = new();

    public List<int> BatchSizes { get; } = new();

    public int MaxObservedInFlight { get; private set; }

    /// <summary>Calls that have started and not yet ended (0 once the writer has finished every call).</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Makes a call throw (as a service error would) when it returns an exception for the batch; nothing of that call is stored.</summary>
    public Func<IReadOnlyList<OrderEvent>, Exception?>? FailWith { get; set; }

    /// <summary>Awaited by every call that does not fail, before it stores anything (to hold calls in flight).</summary>
    public Func<CancellationToken, Task>? Hold { get; set; }

    /// <summary>How many calls leave the last item of the batch unprocessed.</summary>
    public int RefuseLastItemTimes { get; set; }

    public Dictionary<string, string> CurrentStatus { get; } = new(StringComparer.Ordinal);

    public List<(string OrderId, string Status)> StatusIndex { get; } = new();

    public int StatusPageSize { get; set; } = 2;

    /// <summary>How many status index pages were asked for.</summary>
    public int StatusQueries { get; private set; }

    public async Task<IReadOnlyList<OrderEvent>> WriteBatchAsync(string tableName, IReadOnlyList<OrderEvent> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _inFlight++;
            MaxObservedInFlight = Math.Max(MaxObservedInFlight, _inFlight);
            BatchSizes.Add(events.Count);
        }

        try
        {
            await Task.Delay(5, cancellationToken);
            if (FailWith?.Invoke(events) is { } failure)
            {
                throw failure;
            }

            if (Hold is not null)
            {
                await Hold(cancellationToken);
            }
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }

        lock (_gate)
        {
            if (events.Select(e => e.ItemKey).Distinct().Count() != events.Count)
            {
                throw new InvalidOperationException("Provided list of item keys contains duplicates");
            }

            var refused = RefuseLastItemTimes > 0 ? 1 : 0;
            RefuseLastItemTimes -= refused;
            Items.AddRange(events.Take(events.Count - refused));
            return events.Skip(events.Count - refused).ToList();
        }
    }

    /// <summary>PutItem calls, in the order they started: (order id, whether it was conditional).</summary>
    public List<(string OrderId, bool OnlyIfNew)> Puts { get; } = new();

    /// <summary>Runs inside a conditional put after its call is made and before the table checks the item (another writer racing it).</summary>
    public Action<OrderEvent>? BeforeCondition { get; set; }

    /// <summary>Stores an item as another writer would, while calls may be running.</summary>
    public void StoreAsAnotherWriter(OrderEvent orderEvent)
    {
        lock (_gate)
        {
            Items.Add(orderEvent);
        }
    }

    public async Task<bool> PutAsync(string tableName, OrderEvent orderEvent, bool onlyIfNew, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _inFlight++;
            MaxObservedInFlight = Math.Max(MaxObservedInFlight, _inFlight);
            Puts.Add((orderEvent.OrderId, onlyIfNew));
        }

        try
        {
            await Task.Delay(1, cancellationToken);
            if (FailWith?.Invoke([orderEvent]) is { } failure)
            {
                throw failure;
            }

            BeforeCondition?.Invoke(orderEvent);
            lock (_gate)
            {
                var index = Items.FindIndex(e => e.ItemKey == orderEvent.ItemKey);
                if (index >= 0 && onlyIfNew)
                {
                    return false;
                }

                if (index >= 0)
                {
                    Items[index] = orderEvent;
                }
                else
                {
                    Items.Add(orderEvent);
                }

                return true;
            }
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }
    }

    public Task<StatusQueryPage> QueryStatusAsync(string tableName, string status, long since, long until, object? continuation, CancellationToken cancellationToken)
    {
        StatusQueries++;
        var start = continuation is int offset ? offset : 0;
        var matching = StatusIndex.Where(e => e.Status == status).Select(e => e.OrderId).ToList();
        var page = matching.Skip(start).Take(StatusPageSize).ToList();
        object? next = start + StatusPageSize < matching.Count ? start + StatusPageSize : null;
        return Task.FromResult(new StatusQueryPage(page, next));
    }

    public Task<string?> GetCurrentStatusAsync(string tableName, string orderId, CancellationToken cancellationToken) =>
        Task.FromResult(CurrentStatus.TryGetValue(orderId, out var status) ? status : null);
}
