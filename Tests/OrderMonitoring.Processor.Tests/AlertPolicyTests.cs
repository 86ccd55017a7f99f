using OrderMonitoring.Processor.Alerts;

namespace OrderMonitoring.Processor.Tests;

public sealed class AlertPolicyTests
{
    [Theory]
    [InlineData("INSERT", "FAILED", null, true)]
    [InlineData("INSERT", "FAILED", "FAILED", true)]
    [InlineData("MODIFY", "FAILED", "PENDING", true)]
    [InlineData("MODIFY", "failed", "PENDING", true)]
    [InlineData("MODIFY", "  Failed \t", "PENDING", true)]
    [InlineData("MODIFY", "FAILED", null, true)]
    [InlineData("MODIFY", "FAILED", "FAILED", false)]
    [InlineData("MODIFY", "FAILED", " failed ", false)]
    [InlineData("MODIFY", "PENDING", "FAILED", false)]
    [InlineData("REMOVE", "FAILED", "PENDING", false)]
    [InlineData("REMOVE", "FAILED", null, false)]
    [InlineData("MODIFY", "FAILEDX", "PENDING", false)]
    [InlineData("INSERT", null, null, false)]
    public void Alerts_when_an_order_becomes_failed(string eventType, string? newStatus, string? previousStatus, bool expected) =>
        Assert.Equal(expected, AlertPolicy.ShouldAlert(eventType, newStatus, previousStatus));

    [Theory]
    [InlineData("Order Failed: ORD-1", "Order Failed: ORD-1")]
    [InlineData("Order Failed: a\r\nb", "Order Failed: a??b")]
    [InlineData("Order Failed: 注文😀", "Order Failed: ???")]
    [InlineData("Order Failed: tab\there\u0000", "Order Failed: tab?here?")]
    public void Subjects_are_printable_ascii_on_one_line(string subject, string expected) =>
        Assert.Equal(expected, AlertPolicy.SafeSubject(subject));

    [Fact]
    public void Long_subjects_are_cut_to_the_limit()
    {
        var subject = AlertPolicy.SafeSubject("Order Failed: " + new string('x', 500));
        Assert.Equal(AlertPolicy.MaxSubjectLength, subject.Length);
        Assert.True(subject.Length <= 100);
    }
}
