using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Cmdlets.Tests.AuditLog;

/// <summary>The waiter on the test clock: polling and timeouts take no real time.</summary>
public sealed class AuditWaiterTests
{
    private readonly SteppingTime _clock = new(DateTimeOffset.UnixEpoch);

    private static string Audit(string orderId, long timestamp, string status) =>
        $$"""{"schemaVersion":1,"orderId":"{{orderId}}","timestamp":{{timestamp}},"status":"{{status}}","eventType":"INSERT","sequenceNumber":"1"}""";

    [Fact]
    public async Task Matches_each_event_to_its_audit_object_by_timestamp_and_status()
    {
        var store = new FakeAuditStore();
        store.Objects[AuditKey.ForRecord("A", "5")] = Audit("A", 1, "PENDING"); // an older event of the same order
        store.Objects[AuditKey.ForRecord("A", "7")] = Audit("A", 2, "FAILED");
        store.Objects[AuditKey.ForRecord("B", "9")] = Audit("B", 3, "SHIPPED");
        var events = new[]
        {
            new OrderEvent { OrderId = "A", Timestamp = 2, Status = "FAILED" },
            new OrderEvent { OrderId = "B", Timestamp = 3, Status = "SHIPPED" },
        };

        var arrivals = await new AuditWaiter(store, TimeSpan.FromMilliseconds(1), time: _clock)
            .WaitAsync("b", events, _clock.GetTimestamp(), TimeSpan.FromMinutes(1), NullOperationReporter.Instance, default);

        Assert.Equal(AuditKey.ForRecord("A", "7"), arrivals[0]!.Key);
        Assert.Equal(AuditKey.ForRecord("B", "9"), arrivals[1]!.Key);
    }

    [Fact]
    public async Task Hands_on_each_arrival_as_soon_as_it_is_found_while_the_others_are_still_awaited()
    {
        var store = new FakeAuditStore();
        store.Objects[AuditKey.ForRecord("A", "5")] = Audit("A", 1, "PENDING");
        var events = new[]
        {
            new OrderEvent { OrderId = "A", Timestamp = 1, Status = "PENDING" },
            new OrderEvent { OrderId = "B", Timestamp = 2, Status = "PENDING" },
        };
        var handedOn = new List<(int Index, string Key)>();

        var arrivals = await new AuditWaiter(store, TimeSpan.FromMilliseconds(1), time: _clock)
            .WaitAsync("b", events, _clock.GetTimestamp(), TimeSpan.FromMinutes(1), NullOperationReporter.Instance, default, (i, arrival) =>
            {
                handedOn.Add((i, arrival.Key));
                // B's audit object is written only once A's result is out: the waiter must not hold A back until B arrives.
                store.Objects[AuditKey.ForRecord("B", "9")] = Audit("B", 2, "PENDING");
            });

        Assert.Equal([(0, AuditKey.ForRecord("A", "5")), (1, AuditKey.ForRecord("B", "9"))], handedOn);
        Assert.All(arrivals, a => Assert.NotNull(a));
    }

    [Fact]
    public async Task Returns_null_for_an_event_whose_audit_object_never_appears()
    {
        var store = new FakeAuditStore();
        store.Objects[AuditKey.ForRecord("A", "5")] = Audit("A", 1, "PENDING");
        var events = new[] { new OrderEvent { OrderId = "A", Timestamp = 1, Status = "FAILED" } };

        var arrivals = await new AuditWaiter(store, TimeSpan.FromMilliseconds(1), time: _clock)
            .WaitAsync("b", events, _clock.GetTimestamp(), TimeSpan.FromMilliseconds(20), NullOperationReporter.Instance, default);

        Assert.Null(Assert.Single(arrivals));
    }

    [Fact]
    public async Task Checks_several_orders_at_once_within_the_bound()
    {
        var store = new FakeAuditStore { HoldListsUntilInFlight = 8 };
        var events = Enumerable.Range(0, 40).Select(i => new OrderEvent { OrderId = $"ORD-{i}", Timestamp = i, Status = "PENDING" }).ToList();
        foreach (var e in events)
        {
            store.Objects[AuditKey.ForRecord(e.OrderId, "1")] = Audit(e.OrderId, e.Timestamp, e.Status);
        }

        var arrivals = await new AuditWaiter(store, TimeSpan.FromMilliseconds(1), maxParallelOrders: 8, time: _clock)
            .WaitAsync("b", events, _clock.GetTimestamp(), TimeSpan.FromMinutes(1), NullOperationReporter.Instance, default);

        Assert.All(arrivals, a => Assert.NotNull(a));
        Assert.Equal(events.Select(e => AuditKey.ForRecord(e.OrderId, "1")), arrivals.Select(a => a!.Key));
        Assert.Equal(40, store.ListCalls);
        Assert.Equal(8, store.MaxListsInFlight);
    }

    [Fact]
    public async Task Reports_the_events_that_arrived_and_leaves_the_others_null()
    {
        var store = new FakeAuditStore();
        store.Objects[AuditKey.ForRecord("A", "5")] = Audit("A", 1, "PENDING");
        var events = new[]
        {
            new OrderEvent { OrderId = "A", Timestamp = 1, Status = "PENDING" },
            new OrderEvent { OrderId = "B", Timestamp = 2, Status = "PENDING" },
        };

        var arrivals = await new AuditWaiter(store, TimeSpan.FromMilliseconds(1), time: _clock)
            .WaitAsync("b", events, _clock.GetTimestamp(), TimeSpan.FromMilliseconds(20), NullOperationReporter.Instance, default);

        Assert.Equal(AuditKey.ForRecord("A", "5"), arrivals[0]!.Key);
        Assert.Null(arrivals[1]);
    }
}
