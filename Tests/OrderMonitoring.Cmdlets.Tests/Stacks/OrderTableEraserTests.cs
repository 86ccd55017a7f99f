using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

public sealed class OrderTableEraserTests
{
    private readonly FakeOrderTables _tables = new();
    private readonly RecordingReporter _reporter = new();
    private readonly SteppingTime _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private OrderTableEraser Eraser() => new(_tables, new PollTiming { Interval = TimeSpan.FromSeconds(2), Time = _time });

    [Fact]
    public async Task Turns_deletion_protection_off_then_deletes_and_waits_until_the_table_is_gone()
    {
        _tables.Tables["order-events-dev"] = FakeOrderTables.Kept("order-events-dev");
        _tables.DescribesWhileDeleting = 2;

        await Eraser().EraseAsync("order-events-dev", TimeSpan.FromMinutes(5), _reporter, CancellationToken.None);

        Assert.Empty(_tables.Tables);
        var changes = _tables.Calls.Where(c => c != "DescribeTable").ToList();
        Assert.Equal(new[] { "UpdateTable:DeletionProtectionEnabled=false", "DeleteTable" }, changes);
        Assert.Equal("DescribeTable", _tables.Calls[^1]); // it saw the table gone before returning
    }

    [Fact]
    public async Task An_unprotected_table_is_deleted_without_touching_its_protection()
    {
        _tables.Tables["order-events-dev"] = FakeOrderTables.Kept("order-events-dev", protection: false);

        await Eraser().EraseAsync("order-events-dev", TimeSpan.FromMinutes(5), _reporter, CancellationToken.None);

        Assert.DoesNotContain(_tables.Calls, c => c.StartsWith("UpdateTable", StringComparison.Ordinal));
        Assert.Empty(_tables.Tables);
    }

    [Fact]
    public async Task A_table_that_is_already_gone_is_already_deleted()
    {
        await Eraser().EraseAsync("order-events-dev", TimeSpan.FromMinutes(5), _reporter, CancellationToken.None);

        Assert.Equal(new[] { "DescribeTable" }, _tables.Calls);
        Assert.Contains(_reporter.Verbose, line => line.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deletion_that_outlasts_the_timeout_says_so_and_how_to_continue()
    {
        _tables.Tables["order-events-dev"] = FakeOrderTables.Kept("order-events-dev");
        _tables.DescribesWhileDeleting = 1000;

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(
            () => Eraser().EraseAsync("order-events-dev", TimeSpan.FromSeconds(10), _reporter, CancellationToken.None));

        Assert.Equal((OrderTableEraser.ErrorId, FailureKind.Timeout), (error.ErrorId, error.Kind));
        Assert.Contains("-DeleteOrderTable", error.RecommendedAction, StringComparison.Ordinal);
    }
}
