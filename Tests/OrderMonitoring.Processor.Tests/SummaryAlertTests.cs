using System.Text.Json;
using System.Text.Json.Nodes;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Lambda;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>
/// AlertDetail=Summary (the default): an alert names the change and points at its audit object, and carries no other
/// order data, because alerts leave the audit bucket's access control (e-mail, queues, other subscribers).
/// </summary>
public sealed class SummaryAlertTests
{
    private static readonly string[] SummaryFields = ["orderId", "status", "previousStatus", "eventType", "eventTime", "auditKey"];

    [Fact]
    public async Task A_summary_alert_holds_exactly_the_named_fields_and_none_of_the_orders_other_data()
    {
        var harness = new Harness(alertDetail: AlertDetail.Summary);
        var newImage = Events.Item("ORD-SUM", status: "FAILED");
        newImage["customerId"] = new JsonObject { ["S"] = "CUST-SECRET-7" };
        newImage["amount"] = new JsonObject { ["N"] = "4242.42" };
        newImage["shippingAddress"] = new JsonObject { ["S"] = "1 Private Lane" };
        var oldImage = Events.Item("ORD-SUM", status: "PENDING");
        oldImage["customerId"] = new JsonObject { ["S"] = "CUST-SECRET-7" };
        var record = Events.Record("MODIFY", newImage: newImage, oldImage: oldImage);

        await harness.RunAsync(record);

        var alert = Assert.Single(harness.Publisher.Published);
        var auditKey = Assert.Single(harness.Store.Writes);
        var message = JsonDocument.Parse(alert.Message).RootElement;
        Assert.Equal(SummaryFields, message.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ORD-SUM", message.GetProperty("orderId").GetString());
        Assert.Equal("FAILED", message.GetProperty("status").GetString());
        Assert.Equal("PENDING", message.GetProperty("previousStatus").GetString());
        Assert.Equal("MODIFY", message.GetProperty("eventType").GetString());
        // Events.Record's ApproximateCreationDateTime: 1700000000.5 seconds after the epoch.
        Assert.Equal("2023-11-14T22:13:20.500Z", message.GetProperty("eventTime").GetString());
        Assert.Equal(auditKey, message.GetProperty("auditKey").GetString());
        foreach (var secret in new[] { "CUST-SECRET-7", "4242.42", "Private Lane", "newImage", "oldImage" })
        {
            Assert.DoesNotContain(secret, alert.Message, StringComparison.Ordinal);
        }

        // The subject and attributes are unchanged: subscribers' filter policies and de-duplication keep working.
        Assert.Equal("Order Failed: ORD-SUM", alert.Subject);
        Assert.Equal(["environment", "eventId", "eventType", "orderId", "status"], alert.Attributes.Keys.Order(StringComparer.Ordinal));
        // The audit object itself keeps everything.
        Assert.Equal("CUST-SECRET-7", harness.Single("orders/ORD-SUM/").GetProperty("newImage").GetProperty("customerId").GetString());
    }

    [Fact]
    public async Task A_new_failed_order_has_no_previous_status_in_its_summary()
    {
        var harness = new Harness(alertDetail: AlertDetail.Summary);

        await harness.RunAsync(Events.Insert("ORD-NEW", status: "FAILED"));

        var message = JsonDocument.Parse(Assert.Single(harness.Publisher.Published).Message).RootElement;
        Assert.Equal(JsonValueKind.Null, message.GetProperty("previousStatus").ValueKind);
        Assert.Equal("INSERT", message.GetProperty("eventType").GetString());
    }

    [Fact]
    public async Task A_malformed_record_that_says_failed_gets_a_summary_pointing_at_its_quarantine_object()
    {
        var harness = new Harness(alertDetail: AlertDetail.Summary);
        var image = new JsonObject
        {
            ["orderId"] = new JsonObject { ["S"] = "ORD-BAD" },
            ["status"] = new JsonObject { ["S"] = "FAILED" },
            ["customerId"] = new JsonObject { ["S"] = "CUST-SECRET-9" },
        };

        await harness.RunAsync(Events.Record("INSERT", newImage: image, keys: new JsonObject()));

        var alert = Assert.Single(harness.Publisher.Published);
        var message = JsonDocument.Parse(alert.Message).RootElement;
        Assert.Equal(SummaryFields, message.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Assert.Single(harness.Store.Writes), message.GetProperty("auditKey").GetString());
        Assert.StartsWith("quarantine/", message.GetProperty("auditKey").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("CUST-SECRET-9", alert.Message, StringComparison.Ordinal);
        Assert.Equal("true", alert.Attributes["malformed"]);
    }

    [Fact]
    public async Task A_huge_status_is_cut_in_the_summary_as_in_the_size_limited_record()
    {
        var harness = new Harness(alertDetail: AlertDetail.Summary);

        await harness.RunAsync(Events.Modify("ORD-LONG", oldStatus: "ERROR: " + new string('x', 300_000), newStatus: "FAILED"));

        var alert = Assert.Single(harness.Publisher.Published);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(alert.Message), 1, 4096);
        Assert.StartsWith("ERROR: xxx", JsonDocument.Parse(alert.Message).RootElement.GetProperty("previousStatus").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Full_sends_the_whole_audit_record_as_before()
    {
        var harness = new Harness(alertDetail: AlertDetail.Full);

        await harness.RunAsync(Events.Modify("ORD-FULL", oldStatus: "PENDING", newStatus: "FAILED"));

        var alert = Assert.Single(harness.Publisher.Published);
        Assert.Equal(harness.Store.Objects[Assert.Single(harness.Store.Writes)], alert.Message);
        Assert.True(JsonDocument.Parse(alert.Message).RootElement.TryGetProperty("newImage", out _));
    }

    [Fact]
    public void The_named_fields_are_AlertPolicys_summary_fields() =>
        Assert.Equal(SummaryFields, AlertPolicy.SummaryFields.All);

    [Fact]
    public void The_processor_defaults_to_summary_alerts()
    {
        Assert.Equal(AlertDetail.Summary, new BatchProcessorOptions().AlertDetail);
        Assert.Equal(AlertDetail.Summary, FunctionSettings.FromEnvironment(Variables()).AlertDetail);
    }

    [Theory]
    [InlineData("Summary", AlertDetail.Summary)]
    [InlineData("Full", AlertDetail.Full)]
    [InlineData(" full ", AlertDetail.Full)]
    [InlineData("", AlertDetail.Summary)]
    public void ALERT_DETAIL_chooses_what_alerts_carry(string value, AlertDetail expected)
    {
        var settings = FunctionSettings.FromEnvironment(Variables(value));
        Assert.Equal(expected, settings.AlertDetail);
        Assert.Equal(expected, settings.ToProcessorOptions().AlertDetail);
    }

    [Fact]
    public void An_unknown_ALERT_DETAIL_stops_the_function_instead_of_guessing()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionSettings.FromEnvironment(Variables("Images")));
        Assert.Contains("ALERT_DETAIL", error.Message, StringComparison.Ordinal);
    }

    private static Func<string, string?> Variables(string? alertDetail = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["AUDIT_BUCKET_NAME"] = "audit-bucket",
            ["SNS_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:alerts",
            ["ALERT_DETAIL"] = alertDetail,
        };
        return name => variables.GetValueOrDefault(name);
    }
}
