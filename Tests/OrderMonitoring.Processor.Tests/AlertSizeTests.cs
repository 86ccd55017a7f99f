using System.Text;
using System.Text.Json;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>An alert must fit SNS's 256 KiB (message and attributes together) however the item's bytes are spread.</summary>
public sealed class AlertSizeTests
{
    private const int SnsLimitBytes = 256 * 1024;

    private static int PublishedBytes(Alert alert) =>
        Encoding.UTF8.GetByteCount(alert.Message) + Encoding.UTF8.GetByteCount(alert.Subject)
        + alert.Attributes.Sum(attribute => Encoding.UTF8.GetByteCount(attribute.Key) + Encoding.UTF8.GetByteCount(attribute.Value) + "String".Length);

    [Fact]
    public async Task A_huge_previous_status_still_gives_an_alert_that_fits_SNS()
    {
        var harness = new Harness();
        var record = Events.Modify("ORD-LONG-STATUS", oldStatus: "ERROR: " + new string('x', 350_000), newStatus: "FAILED");

        await harness.RunAsync(record);

        var alert = Assert.Single(harness.Publisher.Published);
        Assert.True(PublishedBytes(alert) <= SnsLimitBytes, $"alert is {PublishedBytes(alert)} bytes");
        var message = JsonDocument.Parse(alert.Message).RootElement;
        Assert.StartsWith("ERROR: xxx", message.GetProperty("previousStatus").GetString(), StringComparison.Ordinal);
        Assert.Equal(350_007, harness.Single("orders/ORD-LONG-STATUS/").GetProperty("previousStatus").GetString()!.Length);
    }

    [Fact]
    public async Task A_huge_padded_failed_status_still_gives_an_alert_that_fits_SNS()
    {
        var harness = new Harness();
        var record = Events.Insert("ORD-PADDED", status: "FAILED" + new string(' ', 350_000));

        await harness.RunAsync(record);

        var alert = Assert.Single(harness.Publisher.Published);
        Assert.True(PublishedBytes(alert) <= SnsLimitBytes, $"alert is {PublishedBytes(alert)} bytes");
        Assert.StartsWith("FAILED", alert.Attributes["status"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\U0001F600b", 4, "a")]
    [InlineData("a\U0001F600b", 5, "a\U0001F600")]
    [InlineData("\u00e9\u00e9", 3, "\u00e9")]
    [InlineData("abc", 10, "abc")]
    public void Cutting_to_a_byte_budget_never_splits_a_character(string text, int maxBytes, string expected) =>
        Assert.Equal(expected, Audit.Utf8Text.Truncate(text, maxBytes));
}
