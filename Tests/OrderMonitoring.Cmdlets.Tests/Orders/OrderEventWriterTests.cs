using OrderMonitoring.Cmdlets.Infrastructure;
using OrderMonitoring.Cmdlets.Services.Orders;

namespace OrderMonitoring.Cmdlets.Tests.Orders;

public sealed class OrderEventWriterTests
{
    private static readonly Func<TimeSpan, CancellationToken, Task> NoDelay = (_, _) => Task.CompletedTask;

    private static OrderEvent Event(string id, long timestamp = 1, string status = "PENDING") => new() { OrderId = id, Timestamp = timestamp, Status = status };

    [Fact]
    public async Task Writes_in_batches_of_25_with_several_calls_in_flight()
    {
        var table = new FakeOrderTable();
        var events = Enumerable.Range(0, 260).Select(i => Event($"ORD-{i}")).ToList();

        await new OrderEventWriter(table, new OrderWriteOptions { MaxInFlight = 4 }, NoDelay).WriteAsync("t", events, NullOperationReporter.Instance, default);

        Assert.Equal(events.Select(e => e.OrderId).OrderBy(x => x), table.Items.Select(e => e.OrderId).OrderBy(x => x));
        Assert.All(table.BatchSizes, size => Assert.InRange(size, 1, 25));
        Assert.Equal(11, table.BatchSizes.Count);
        Assert.InRange(table.MaxObservedInFlight, 2, 4);
    }

    [Fact]
    public async Task Retries_unprocessed_items_until_they_are_written()
    {
        var table = new FakeOrderTable { RefuseLastItemTimes = 3 };
        var delays = new List<TimeSpan>();
        var events = Enumerable.Range(0, 25).Select(i => Event($"ORD-{i}")).ToList();

        await new OrderEventWriter(table, new OrderWriteOptions { MaxInFlight = 1 }, (d, _) => { delays.Add(d); return Task.CompletedTask; })
            .WriteAsync("t", events, NullOperationReporter.Instance, default);

        Assert.Equal(25, table.Items.Count);
        Assert.Equal(new[] { 25, 1, 1, 1 }, table.BatchSizes);
        Assert.Equal(3, delays.Count);
        Assert.True(delays[2] > delays[0], "the backoff grows");
    }

    [Fact]
    public async Task Gives_up_with_a_clear_error_when_the_service_keeps_refusing()
    {
        var table = new FakeOrderTable { RefuseLastItemTimes = 100 };
        var events = new[] { Event("ORD-1"), Event("ORD-2") };

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() =>
            new OrderEventWriter(table, new OrderWriteOptions { MaxAttempts = 3 }, NoDelay).WriteAsync("t", events, NullOperationReporter.Instance, default));

        Assert.Equal("OrderWriteIncomplete", error.ErrorId);
        Assert.Contains("ORD-2", error.Message);
        Assert.Contains("other events were written", error.Message);
    }

    [Fact]
    public async Task Keeps_writes_of_the_same_item_in_order_and_out_of_one_batch()
    {
        var table = new FakeOrderTable();
        var events = new[] { Event("A", 1, "PENDING"), Event("B"), Event("A", 1, "FAILED"), Event("C") };

        await new OrderEventWriter(table, null, NoDelay).WriteAsync("t", events, NullOperationReporter.Instance, default);

        Assert.Equal(new[] { 2, 2 }, table.BatchSizes);
        Assert.Equal(new[] { "PENDING", "FAILED" }, table.Items.Where(e => e.OrderId == "A").Select(e => e.Status));
    }

    [Fact]
    public async Task Reports_progress_and_completes_the_bar()
    {
        var reporter = new RecordingReporter();
        await new OrderEventWriter(new FakeOrderTable(), null, NoDelay)
            .WriteAsync("t", Enumerable.Range(0, 60).Select(i => Event($"O{i}")).ToList(), reporter, default);

        var updates = reporter.ProgressUpdates.ToList();
        Assert.Contains(updates, u => u.Status == "60 of 60 written" && u.PercentComplete == 100);
        Assert.True(updates[updates.Count - 1].Completed);
    }
}

public sealed class OrderGeneratorTests
{
    [Fact]
    public void Generates_the_requested_share_of_failed_orders_with_distinct_items()
    {
        var orders = new OrderGenerator(new Random(7)).Generate(200, 12.5, DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_000));

        Assert.Equal(200, orders.Count);
        Assert.Equal(25, orders.Count(o => o.Status == "FAILED"));
        Assert.Equal(200, orders.Select(o => o.ItemKey).Distinct().Count());
        Assert.All(orders, o => Assert.Matches("^ORD-20260101-[0-9A-F]{12}$", o.OrderId));
        Assert.All(orders, o => Assert.InRange(o.Amount!.Value, 5m, 500m));
    }

    [Fact]
    public void Item_keeps_types_and_rejects_values_it_cannot_store()
    {
        var item = OrderItem.ToItem(new OrderEvent
        {
            OrderId = "O1", Timestamp = 1767225600000, Status = "FAILED", Amount = 12.50m,
            Attributes = new Dictionary<string, object?> { ["gift"] = true, ["items"] = 3, ["tags"] = new List<object?> { "a" }, ["none"] = null },
        });

        Assert.Equal("1767225600000", item["timestamp"].N);
        Assert.Equal("12.50", item["amount"].N);
        Assert.True(item["gift"].BOOL);
        Assert.Equal("3", item["items"].N);
        Assert.Equal("a", item["tags"].L[0].S);
        Assert.True(item["none"].NULL);
        Assert.Throws<ArgumentException>(() => OrderItem.ToAttribute(new object()));
    }
}
