using Amazon.DynamoDBv2;
using OrderMonitoring.TestSupport;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Orders;
using OrderMonitoring.Cmdlets.Tests.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Orders;

public sealed class OrderEventWriterTests
{
    // Back-offs take no real time.
    private static TimeProvider NoDelay => new SteppingTime(DateTimeOffset.UnixEpoch);

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
        var time = new SteppingTime(DateTimeOffset.UnixEpoch);
        var events = Enumerable.Range(0, 25).Select(i => Event($"ORD-{i}")).ToList();

        await new OrderEventWriter(table, new OrderWriteOptions { MaxInFlight = 1 }, time)
            .WriteAsync("t", events, NullOperationReporter.Instance, default);
        var delays = time.Waits;

        Assert.Equal(25, table.Items.Count);
        Assert.Equal(new[] { 25, 1, 1, 1 }, table.BatchSizes);
        Assert.Equal(3, delays.Length);
        Assert.True(delays[2] > delays[0], "the backoff grows");
    }

    [Fact]
    public async Task Gives_up_with_a_clear_error_when_the_service_keeps_refusing()
    {
        var table = new FakeOrderTable { RefuseLastItemTimes = 100 };
        var events = new[] { Event("ORD-1"), Event("ORD-2") };

        var outcome = await new OrderEventWriter(table, new OrderWriteOptions { MaxAttempts = 3 }, NoDelay).WriteAsync("t", events, NullOperationReporter.Instance, default);

        Assert.Equal(new[] { "ORD-1" }, outcome.Written.Select(e => e.OrderId));
        Assert.Equal(new[] { "ORD-2" }, outcome.NotWritten.Select(e => e.OrderId));
        var error = outcome.ToError("t");
        Assert.Equal("OrderWriteIncomplete", error.ErrorId);
        Assert.Contains("Wrote 1 of 2", error.Message);
        Assert.Contains("'ORD-2'", error.Message);
        Assert.Contains("unprocessed after 3 attempts", error.Message);
        Assert.Contains("throttling", error.RecommendedAction);
    }

    [Fact]
    public async Task Stops_at_the_first_failed_call_finishes_the_calls_in_flight_and_names_what_was_not_written()
    {
        var secondFailed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var table = new FakeOrderTable
        {
            FailWith = batch =>
            {
                if (batch[0].OrderId != "ORD-25")
                {
                    return null;
                }

                secondFailed.TrySetResult(true);
                return new AmazonDynamoDBException("One or more parameter values were invalid") { ErrorCode = "ValidationException" };
            },
            // The first call is still running when the second fails; it ends only a while later, so a writer that
            // does not wait for it returns before its items are stored.
            Hold = async token =>
            {
                await secondFailed.Task;
                await Task.Delay(50, token);
            },
        };
        var events = Enumerable.Range(0, 200).Select(i => Event($"ORD-{i}")).ToList();

        var outcome = await new OrderEventWriter(table, new OrderWriteOptions { MaxInFlight = 2 }, NoDelay)
            .WriteAsync("orders", events, NullOperationReporter.Instance, default);

        Assert.Equal(0, table.InFlight);
        Assert.Equal(2, table.BatchSizes.Count); // no call started after the failure
        Assert.Equal(events.Take(25).Select(e => e.OrderId), table.Items.Select(e => e.OrderId).OrderBy(id => int.Parse(id.Substring(4))));
        Assert.Equal(events.Take(25), outcome.Written);
        Assert.Equal(events.Skip(25), outcome.NotWritten);
        var error = outcome.ToError("orders");
        Assert.Equal("OrderWriteIncomplete", error.ErrorId);
        Assert.Contains("Wrote 25 of 200 order event(s) to orders; 175 were not written (order 'ORD-25', 'ORD-26', 'ORD-27', 'ORD-28', 'ORD-29' and 170 more)", error.Message);
        Assert.Contains("ValidationException", error.Message);
        Assert.DoesNotContain("the other events were written", error.Message);
        Assert.IsType<AmazonDynamoDBException>(error.InnerException);
    }

    [Fact]
    public async Task An_error_on_a_retry_keeps_what_the_earlier_attempt_wrote()
    {
        var table = new FakeOrderTable { RefuseLastItemTimes = 1, FailWith = batch => batch.Count == 1 ? new HttpRequestException("connection reset") : null };
        var events = Enumerable.Range(0, 25).Select(i => Event($"ORD-{i}")).ToList();

        var outcome = await new OrderEventWriter(table, null, NoDelay).WriteAsync("t", events, NullOperationReporter.Instance, default);

        Assert.Equal(events.Take(24), outcome.Written);
        Assert.Equal(new[] { "ORD-24" }, outcome.NotWritten.Select(e => e.OrderId));
        Assert.Contains("connection reset", outcome.ToError("t").Message);
    }

    [Fact]
    public async Task Cancellation_stops_promptly_and_leaves_no_call_running()
    {
        using var cancellation = new CancellationTokenSource();
        var holding = 0;
        var table = new FakeOrderTable
        {
            Hold = async token =>
            {
                if (Interlocked.Increment(ref holding) == 4)
                {
                    cancellation.Cancel(); // Ctrl+C while four calls are in flight
                }

                await Task.Delay(Timeout.Infinite, token);
            },
        };
        var events = Enumerable.Range(0, 500).Select(i => Event($"ORD-{i}")).ToList();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new OrderEventWriter(table, new OrderWriteOptions { MaxInFlight = 4 }, NoDelay).WriteAsync("t", events, NullOperationReporter.Instance, cancellation.Token));

        Assert.Equal(0, table.InFlight);
        Assert.Equal(4, table.BatchSizes.Count);
        Assert.Empty(table.Items);
    }

    [Fact]
    public async Task Hands_on_each_written_event_in_input_order_while_the_rest_is_written()
    {
        var table = new FakeOrderTable();
        var events = Enumerable.Range(0, 260).Select(i => Event($"ORD-{i}")).ToList();
        var handedOn = new List<string>();

        await new OrderEventWriter(table, new OrderWriteOptions { MaxInFlight = 4 }, NoDelay)
            .WriteAsync("t", events, NullOperationReporter.Instance, default, written => handedOn.Add(written.OrderId));

        Assert.Equal(events.Select(e => e.OrderId), handedOn);
    }

    [Fact]
    public async Task Written_events_behind_a_failed_call_are_handed_on_too_once_every_call_has_ended()
    {
        // The second call fails; the third, already in flight, is stored: its events come after the unwritten ones.
        var table = new FakeOrderTable { FailWith = batch => batch.Any(e => e.OrderId == "ORD-30") ? new InvalidOperationException("too large") : null };
        var events = Enumerable.Range(0, 60).Select(i => Event($"ORD-{i}")).ToList();
        var handedOn = new List<string>();

        var outcome = await new OrderEventWriter(table, new OrderWriteOptions { MaxInFlight = 3 }, NoDelay)
            .WriteAsync("t", events, NullOperationReporter.Instance, default, written => handedOn.Add(written.OrderId));

        Assert.Equal(outcome.Written.Select(e => e.OrderId), handedOn);
        Assert.Contains("ORD-59", handedOn);
        Assert.DoesNotContain("ORD-30", handedOn);
    }

    [Fact]
    public async Task A_stopped_write_says_how_many_were_written_and_the_last_one_and_has_handed_those_on()
    {
        using var cancellation = new CancellationTokenSource();
        var calls = 0;
        var table = new FakeOrderTable
        {
            // The first two calls are stored; the third is where Ctrl+C arrives.
            Hold = async token =>
            {
                if (Interlocked.Increment(ref calls) >= 3)
                {
                    cancellation.Cancel();
                    await Task.Delay(Timeout.Infinite, token);
                }
            },
        };
        var events = Enumerable.Range(0, 100).Select(i => Event($"ORD-{i}")).ToList();
        var handedOn = new List<string>();

        var stopped = await Assert.ThrowsAsync<OperationStoppedException>(() =>
            new OrderEventWriter(table, new OrderWriteOptions { MaxInFlight = 1 }, NoDelay)
                .WriteAsync("orders", events, NullOperationReporter.Instance, cancellation.Token, written => handedOn.Add(written.OrderId)));

        Assert.Equal(50, handedOn.Count);
        Assert.StartsWith("Stopped: 50 of 100 order event(s) were written to orders; the other 50 were not. The last written: order 'ORD-49'", stopped.Message, StringComparison.Ordinal);
        Assert.EndsWith("The results of the first 50 are in the output.", stopped.Message, StringComparison.Ordinal);
        Assert.Equal(cancellation.Token, stopped.CancellationToken);
    }

    [Fact]
    public async Task Writes_everything_and_reports_no_failure_when_all_calls_succeed()
    {
        var events = Enumerable.Range(0, 60).Select(i => Event($"ORD-{i}")).ToList();

        var outcome = await new OrderEventWriter(new FakeOrderTable(), null, NoDelay).WriteAsync("t", events, NullOperationReporter.Instance, default);

        Assert.True(outcome.IsComplete);
        Assert.Equal(events, outcome.Written);
        Assert.Null(outcome.Failure);
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

        var updates = reporter.Progress.ToList();
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

    [Theory]
    [InlineData("orderId", "-OrderId")]
    [InlineData("timestamp", "-Timestamp")]
    [InlineData("status", "-Status")]
    [InlineData("amount", "-Amount")]
    [InlineData("customerId", "-CustomerId")]
    [InlineData("STATUS", "-Status")]
    public void Refuses_an_extra_attribute_named_like_one_of_the_items_own(string name, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() => OrderItem.ValidateExtraAttribute(name, "x"));

        Assert.Contains($"'{name}'", error.Message);
        Assert.Contains(parameter, error.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1e200)]
    [InlineData(-1e-200)]
    public void Refuses_numbers_DynamoDB_cannot_store_and_names_the_attribute(double value)
    {
        Assert.Contains("'score'", Assert.Throws<ArgumentException>(() => OrderItem.ValidateExtraAttribute("score", value)).Message);
        Assert.Contains("'nested'", Assert.Throws<ArgumentException>(() =>
            OrderItem.ValidateExtraAttribute("nested", new List<object?> { 1, new Dictionary<string, object?> { ["x"] = value } })).Message);
    }

    [Fact]
    public void Keeps_finite_numbers_exactly()
    {
        OrderItem.ValidateExtraAttribute("score", 0.1);
        Assert.Equal("0.1", OrderItem.ToAttribute(0.1).N);
        Assert.Equal("0.1", OrderItem.ToAttribute(0.1f).N);
        Assert.Equal("-2.5E+100", OrderItem.ToAttribute(-2.5e100).N);
        Assert.Equal("0", OrderItem.ToAttribute(0.0).N);
    }
}
