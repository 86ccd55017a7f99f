using System.Collections;
using OrderMonitoring.Cmdlets.Orders;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Tests.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Orders;

/// <summary>Input a user can hand over by mistake: a hashtable that holds itself, a status with a typo.</summary>
[Collection(StatusVariableCollection.Name)]
public sealed class OrderInputEdgeTests
{
    [Fact]
    public void A_hashtable_that_holds_itself_is_refused_naming_the_depth_limit()
    {
        var attributes = new Hashtable { ["channel"] = "web" };
        attributes["self"] = attributes;

        var error = Assert.Throws<ArgumentException>(() => InputValues.ReadAttributes(attributes));

        Assert.Contains("nested more than 32 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_that_holds_itself_is_refused_too()
    {
        var list = new ArrayList { 1 };
        list.Add(list);

        Assert.Throws<ArgumentException>(() => InputValues.ReadAttributes(new Hashtable { ["items"] = list }));
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_read_whole()
    {
        var innermost = new Hashtable { ["leaf"] = "x" };
        var top = innermost;
        for (var level = 1; level < 32; level++)
        {
            top = new Hashtable { ["inner"] = top };
        }

        var read = InputValues.ReadAttributes(top);

        var depth = 1;
        for (var current = read; current.TryGetValue("inner", out var inner); current = (Dictionary<string, object?>)inner!)
        {
            depth++;
        }

        Assert.Equal(32, depth);
    }

    [Theory]
    [InlineData("FAILED")]
    [InlineData(" failed ")]
    [InlineData("Pending")]
    public void Known_statuses_in_any_case_are_not_warned_about(string status) =>
        Assert.Null(KnownOrderStatuses.WarningFor(status, "It is written as given"));

    [Fact]
    public void A_typo_is_warned_about_naming_the_known_statuses_and_how_to_declare_one()
    {
        var warning = KnownOrderStatuses.WarningFor("FIALED", "It is written as given");

        Assert.NotNull(warning);
        Assert.StartsWith("'FIALED' is not an order status the module knows (PENDING, PROCESSING, SHIPPED, DELIVERED, CANCELLED, FAILED)", warning, StringComparison.Ordinal);
        Assert.Contains("It is written as given.", warning, StringComparison.Ordinal);
        Assert.Contains(KnownOrderStatuses.DeclaredVariable, warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Statuses_the_user_declares_are_known()
    {
        var saved = Environment.GetEnvironmentVariable(KnownOrderStatuses.DeclaredVariable);
        try
        {
            Environment.SetEnvironmentVariable(KnownOrderStatuses.DeclaredVariable, " on_hold, RETURNED,,");

            Assert.Null(KnownOrderStatuses.WarningFor("ON_HOLD", "x"));
            Assert.Null(KnownOrderStatuses.WarningFor("returned", "x"));
            Assert.Equal(["PENDING", "PROCESSING", "SHIPPED", "DELIVERED", "CANCELLED", "FAILED", "ON_HOLD", "RETURNED"], KnownOrderStatuses.All());
        }
        finally
        {
            Environment.SetEnvironmentVariable(KnownOrderStatuses.DeclaredVariable, saved);
        }
    }
}

/// <summary>Tests that read or set ORDERMONITORING_STATUSES run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StatusVariableCollection
{
    public const string Name = "ORDERMONITORING_STATUSES";
}

public sealed class ExistingOrderTests
{
    private static OrderEvent Event(string id, long timestamp) => new() { OrderId = id, Timestamp = timestamp, Status = "PENDING" };

    [Fact]
    public async Task Events_whose_item_exists_are_refused_by_the_write_itself_with_their_repeats_and_named_in_the_error()
    {
        var table = new FakeOrderTable();
        table.Items.Add(Event("ORD-1", 1));
        var events = new[] { Event("ORD-1", 1), Event("ORD-1", 2), Event("ORD-2", 1), Event("ORD-1", 1), Event("ORD-1", 2) };
        var streamed = new List<string>();

        var outcome = await new OrderEventWriter(table).WriteAsync("orders", events, NullOperationReporter.Instance, default, e => streamed.Add($"{e.OrderId}/{e.Timestamp}"), onlyNewItems: true);
        var error = ExistingOrders.Error("orders", outcome.Existing);

        Assert.Equal(["ORD-1/2", "ORD-2/1", "ORD-1/2"], outcome.Written.Select(e => $"{e.OrderId}/{e.Timestamp}"));
        Assert.Equal(outcome.Written.Select(e => $"{e.OrderId}/{e.Timestamp}"), streamed);
        Assert.True(outcome.IsComplete);
        Assert.Equal(2, outcome.Existing.Count);
        // Each first event of a key is conditional; the repeat of ORD-1/2 updates the item this write created; the repeat of ORD-1/1 is not sent.
        Assert.Equal([("ORD-1", true), ("ORD-1", true), ("ORD-2", true), ("ORD-1", false)], table.Puts);
        Assert.Equal(ExistingOrders.ExistsErrorId, error.ErrorId);
        Assert.StartsWith("2 order event(s) were not written because their item already exists in orders: order 'ORD-1' (timestamp 1)", error.Message, StringComparison.Ordinal);
        Assert.Contains("-Force", error.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_item_a_concurrent_writer_creates_after_the_call_started_is_refused_never_overwritten()
    {
        var table = new FakeOrderTable();
        // Another writer stores the item while this write is on its way (after any check a client could have made first).
        table.BeforeCondition = e =>
        {
            if (e.OrderId == "ORD-RACE")
            {
                table.StoreAsAnotherWriter(new OrderEvent { OrderId = "ORD-RACE", Timestamp = 7, Status = "THEIRS" });
            }
        };
        var events = new[] { Event("ORD-RACE", 7), Event("ORD-OTHER", 7) };

        var outcome = await new OrderEventWriter(table).WriteAsync("orders", events, NullOperationReporter.Instance, default, onlyNewItems: true);

        Assert.Equal("ORD-RACE", Assert.Single(outcome.Existing).OrderId);
        Assert.Equal("ORD-OTHER", Assert.Single(outcome.Written).OrderId);
        Assert.Equal("THEIRS", Assert.Single(table.Items, e => e.OrderId == "ORD-RACE").Status);
    }

    [Fact]
    public async Task Only_new_items_are_written_with_bounded_concurrency_and_progress_names_the_refused()
    {
        var table = new FakeOrderTable();
        table.Items.Add(Event("ORD-0", 1));
        var events = Enumerable.Range(0, 200).Select(i => Event($"ORD-{i}", 1)).ToList();
        var reporter = new RecordingReporter();

        var outcome = await new OrderEventWriter(table, new OrderWriteOptions { MaxPutsInFlight = 8 }).WriteAsync("orders", events, reporter, default, onlyNewItems: true);

        Assert.Equal(199, outcome.Written.Count);
        Assert.InRange(table.MaxObservedInFlight, 2, 8);
        Assert.Empty(table.BatchSizes);
        Assert.Contains(reporter.Progress, p => p.Status == "199 of 200 written, 1 not written (item exists)" && p.PercentComplete == 100);
    }

    [Fact]
    public void Every_item_is_marked_as_a_test_event_and_the_mark_cannot_be_set_by_hand()
    {
        var item = OrderItem.ToItem(Event("ORD-1", 1));

        Assert.True(item[OrderItem.TestEventAttribute].BOOL);
        var refused = Assert.Throws<ArgumentException>(() => OrderItem.ValidateExtraAttribute("TestEvent", false));
        Assert.Contains("marks every item Send-TestOrderEvent writes", refused.Message, StringComparison.Ordinal);
    }
}
