using System.Collections.Specialized;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.Cmdlets.Tests.Orders;

namespace OrderMonitoring.Cmdlets.Tests.AuditLog;

public sealed class AuditLogReaderTests
{
    private static string Audit(string orderId, string sequence, string status, string eventType = "INSERT") =>
        $$"""{"schemaVersion":1,"orderId":"{{orderId}}","timestamp":1767225600000,"status":"{{status}}","previousStatus":null,"eventType":"{{eventType}}","eventId":"e{{sequence}}","sequenceNumber":"{{sequence}}","approximateCreationTime":"2026-01-01T00:00:00.000Z","processedAt":"2026-01-01T00:00:01.000Z","environment":"dev","deletedBy":null,"newImage":{"orderId":"{{orderId}}","amount":12345678901234567890.123,"qty":3,"price":19.90},"oldImage":null}""";

    private static void Put(FakeAuditStore store, string orderId, string sequence, string status, string eventType = "INSERT") =>
        store.Objects[AuditKey.ForRecord(orderId, sequence)] = Audit(orderId, sequence, status, eventType);

    [Fact]
    public async Task Reads_one_order_in_stream_order_across_pages_without_touching_other_orders()
    {
        var store = new FakeAuditStore { PageSize = 2 };
        Put(store, "A", "900", "SHIPPED", "MODIFY");
        Put(store, "A", "80", "PENDING");
        Put(store, "A", "1000", "FAILED", "MODIFY");
        for (var i = 0; i < 50; i++)
        {
            Put(store, $"OTHER-{i}", "5", "PENDING");
        }

        var entries = await new AuditLogReader(store, new FakeOrderTable()).ReadOrderAsync("b", "A", parse: true, default);

        Assert.Equal(new[] { "PENDING", "SHIPPED", "FAILED" }, entries.Select(e => e.Record!.Status));
        Assert.All(store.Reads, key => Assert.StartsWith("orders/A/", key));
        Assert.Equal(2, store.ListCalls);
    }

    [Fact]
    public async Task Parses_every_field_keeping_every_digit()
    {
        var store = new FakeAuditStore();
        Put(store, "A", "1", "FAILED");

        var record = (await new AuditLogReader(store, new FakeOrderTable()).ReadOrderAsync("b", "A", parse: true, default))[0].Record!;

        Assert.Equal("1767225600000", record.Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225600000), record.EventTime);
        Assert.Equal("12345678901234567890.123", record.NewImage!["amount"]!.ToString());
        Assert.Equal(3L, record.NewImage!["qty"]);
        Assert.Equal(19.90m, record.NewImage!["price"]);
        Assert.Equal(new[] { "orderId", "amount", "qty", "price" }, record.NewImage.Keys.Cast<string>());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero), record.ProcessedAt);
        Assert.False(record.Quarantined);
        Assert.Equal("b", record.BucketName);
    }

    [Fact]
    public async Task An_image_reads_as_its_json_where_PowerShell_turns_it_into_text()
    {
        var store = new FakeAuditStore();
        Put(store, "A", "1", "FAILED");

        var record = (await new AuditLogReader(store, new FakeOrderTable()).ReadOrderAsync("b", "A", parse: true, default))[0].Record!;

        // Export-Csv and "$image" call ToString: the item, not "System.Collections.Specialized.OrderedDictionary".
        Assert.Equal("""{"orderId":"A","amount":12345678901234567890.123,"qty":3,"price":19.90}""", record.NewImage!.ToString());
        Assert.Equal("A", record.NewImage["ORDERID"]);
        Assert.Null(record.OldImage);
    }

    private static OrderAuditRecord ParseWithImage(string imageJson) => AuditRecordParser.Parse("b", "orders/A/1.json",
        $$"""{"schemaVersion":1,"orderId":"A","timestamp":1767225600000,"status":"FAILED","eventType":"MODIFY","sequenceNumber":"1","newImage":{{imageJson}},"oldImage":null}""");

    [Fact]
    public void An_image_with_names_differing_only_by_case_keeps_every_attribute()
    {
        // DynamoDB keeps "status" and "Status" apart; a case-insensitive hashtable would silently drop one of them.
        const string image = """{"orderId":"A","status":"PENDING","Status":"FAILED","meta":{"tag":"x","Tag":"y"}}""";

        var record = ParseWithImage(image);

        var newImage = record.NewImage!;
        Assert.Equal(new[] { "orderId", "status", "Status", "meta" }, newImage.Keys.Cast<string>());
        Assert.Equal("PENDING", newImage["status"]);
        Assert.Equal("FAILED", newImage["Status"]);
        Assert.Null(newImage["STATUS"]);
        var meta = Assert.IsType<OrderedDictionary>(newImage["meta"]);
        Assert.Equal(("x", "y"), (meta["tag"], meta["Tag"]));
        Assert.Equal(image, newImage.ToString());
    }

    [Fact]
    public void An_image_without_such_names_keeps_case_insensitive_access_at_every_level()
    {
        var record = ParseWithImage("""{"orderId":"A","Status":"FAILED","meta":{"Tag":"x","tag2":"y"}}""");

        var newImage = record.NewImage!;
        Assert.Equal("FAILED", newImage["status"]);
        Assert.Equal("A", newImage["ORDERID"]);
        Assert.Equal("x", Assert.IsType<OrderedDictionary>(newImage["META"])["tag"]);
    }

    [Fact]
    public async Task Raw_returns_the_stored_text_and_a_foreign_object_is_a_clear_error()
    {
        var store = new FakeAuditStore();
        store.Objects["orders/A/1.json"] = "not json";
        var reader = new AuditLogReader(store, new FakeOrderTable());

        var raw = await reader.ReadOrderAsync("b", "A", parse: false, default);
        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => reader.ReadOrderAsync("b", "A", parse: true, default));

        Assert.Equal("not json", Assert.Single(raw).Json);
        Assert.Equal("AuditRecordInvalid", error.ErrorId);
    }

    [Fact]
    public async Task Finds_orders_by_current_status_through_the_index_pages()
    {
        var table = new FakeOrderTable();
        table.StatusIndex.AddRange(new[] { ("A", "FAILED"), ("B", "FAILED"), ("A", "FAILED"), ("C", "FAILED"), ("D", "SHIPPED") });
        table.CurrentStatus["A"] = "FAILED";
        table.CurrentStatus["B"] = "DELIVERED"; // failed once, recovered since
        table.CurrentStatus["C"] = "FAILED";

        var orders = await FindAll(table, "FAILED");

        Assert.Equal(new[] { "A", "C" }, orders);
    }

    [Theory]
    [InlineData("failed")]
    [InlineData(" Failed ")]
    [InlineData("FAILED")]
    public async Task Finds_orders_by_status_in_any_case_and_trimmed(string asked)
    {
        var table = new FakeOrderTable();
        table.StatusIndex.AddRange(new[] { ("A", "FAILED"), ("B", "Failed"), ("C", "FAILED") });
        table.CurrentStatus["A"] = "FAILED";
        table.CurrentStatus["B"] = "Failed"; // written by other code in its own spelling
        table.CurrentStatus["C"] = " failed";

        var orders = await FindAll(table, asked);

        // B is found only when asked in its own spelling: the index holds the stored text (see OrderStatus).
        var expected = asked.Trim() == "Failed" ? new[] { "A", "C", "B" } : new[] { "A", "C" };
        Assert.Equal(expected, orders);
    }

    [Fact]
    public async Task Hands_each_order_over_once_its_index_page_is_read_without_reading_ahead()
    {
        var table = new FakeOrderTable { StatusPageSize = 2 };
        foreach (var id in new[] { "A", "B", "C", "D", "E" })
        {
            table.StatusIndex.Add((id, "FAILED"));
            table.CurrentStatus[id] = "FAILED";
        }

        var queriesWhenHanded = new List<int>();
        var reporter = new RecordingReporter();
        var count = await new AuditLogReader(new FakeAuditStore(), table).FindOrdersByStatusAsync("t", "FAILED", DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow,
            _ =>
            {
                queriesWhenHanded.Add(table.StatusQueries);
                return Task.FromResult(true);
            }, reporter, default);

        Assert.Equal(5, count);
        Assert.Equal(new[] { 1, 1, 2, 2, 3 }, queriesWhenHanded);
        Assert.Equal(3, reporter.Progress.Length);
        Assert.Contains("page 3 read, 4 order(s) found", reporter.Progress[^1].Status);
    }

    [Fact]
    public async Task Stops_reading_the_index_when_the_caller_has_enough()
    {
        var table = new FakeOrderTable { StatusPageSize = 2 };
        foreach (var id in new[] { "A", "B", "C", "D", "E" })
        {
            table.StatusIndex.Add((id, "FAILED"));
            table.CurrentStatus[id] = "FAILED";
        }

        var handed = new List<string>();
        var count = await new AuditLogReader(new FakeAuditStore(), table).FindOrdersByStatusAsync("t", "FAILED", DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow,
            id =>
            {
                handed.Add(id);
                return Task.FromResult(handed.Count < 3);
            }, new RecordingReporter(), default);

        Assert.Equal(3, count);
        Assert.Equal(new[] { "A", "B", "C" }, handed);
        Assert.Equal(2, table.StatusQueries); // the third page (E) is never asked for
    }

    private static async Task<IReadOnlyList<string>> FindAll(FakeOrderTable table, string status)
    {
        var found = new List<string>();
        await new AuditLogReader(new FakeAuditStore(), table).FindOrdersByStatusAsync("t", status, DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow,
            id =>
            {
                found.Add(id);
                return Task.FromResult(true);
            }, new RecordingReporter(), default);
        return found;
    }

    [Fact]
    public async Task Quarantined_records_are_matched_by_order_id()
    {
        var store = new FakeAuditStore();
        store.Objects["quarantine/0001.json"] = """{"schemaVersion":1,"reason":"no timestamp","orderId":"A","eventType":"INSERT","quarantinedAt":"2026-01-01T00:00:00.000Z","record":{}}""";
        store.Objects["quarantine/0002.json"] = """{"schemaVersion":1,"reason":"no order id","orderId":null,"eventType":"INSERT","quarantinedAt":"2026-01-01T00:00:00.000Z","record":{}}""";

        var entries = await new AuditLogReader(store, new FakeOrderTable()).ReadQuarantineAsync("b", new HashSet<string> { "A" }, default);

        var record = Assert.Single(entries).Record!;
        Assert.True(record.Quarantined);
        Assert.Equal("no timestamp", record.QuarantineReason);
    }
}

public sealed class StreamEventFileTests
{
    [Fact]
    public void Reads_the_records_of_a_stream_event()
    {
        var records = StreamEventFile.Parse("e.json", """{"Records":[{"eventSource":"aws:dynamodb","eventName":"INSERT","dynamodb":{"SequenceNumber":"1"}}]}""");
        Assert.Equal("1", Assert.Single(records).Dynamodb!.SequenceNumber);
    }

    [Theory]
    [InlineData("{ not json", "not a JSON object")]
    [InlineData("""{"Foo":1}""", "no \"Records\"")]
    [InlineData("""{"Records":[{"eventSource":"aws:sqs"}]}""", "aws:sqs")]
    [InlineData("""{"Records":[null]}""", "record 0")]
    [InlineData("""{"Records":[{"eventSource":"aws:dynamodb","eventName":"INSERT","dynamodb":{"SequenceNumber":"1"}},{"eventSource":"aws:dynamodb","eventName":"INSERT","dynamodb":{"SequenceNumber":"2","SizeBytes":"60"}}]}""", "Record 2 of 2")]
    public void Rejects_anything_else_before_processing(string json, string reason)
    {
        var error = Assert.Throws<OrderMonitoringException>(() => StreamEventFile.Parse("e.json", json));
        Assert.Equal("NotAStreamEvent", error.ErrorId);
        Assert.Contains(reason, error.Message);
        Assert.Contains("Nothing was processed", error.Message);
    }

    [Fact]
    public void Rejects_a_sequence_number_used_twice_because_the_later_record_would_replace_the_earlier()
    {
        const string json = """
            {"Records":[
              {"eventSource":"aws:dynamodb","eventName":"INSERT","dynamodb":{"SequenceNumber":"7"}},
              {"eventSource":"aws:dynamodb","eventName":"MODIFY","dynamodb":{"SequenceNumber":"7"}}]}
            """;
        var error = Assert.Throws<OrderMonitoringException>(() => StreamEventFile.Parse("e.json", json));
        Assert.Equal("NotAStreamEvent", error.ErrorId);
        Assert.Contains("7 appears 2 times", error.Message);
    }

    [Fact]
    public void Reads_items_nested_as_deep_as_DynamoDB_allows()
    {
        // 32 levels of maps: two JSON levels each in DynamoDB JSON, past System.Text.Json's default depth of 64.
        var image = "{\"S\":\"deep\"}";
        for (var level = 0; level < 32; level++)
        {
            image = "{\"M\":{\"a\":" + image + "}}";
        }

        var json = "{\"Records\":[{\"eventSource\":\"aws:dynamodb\",\"eventName\":\"INSERT\",\"dynamodb\":{\"SequenceNumber\":\"1\",\"NewImage\":{\"orderId\":{\"S\":\"o\"},\"nested\":"
            + image + "}}}]}";
        Assert.Single(StreamEventFile.Parse("e.json", json));
    }
}
