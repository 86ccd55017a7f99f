using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Processor.Observability;

namespace OrderMonitoring.Cmdlets.Tests.Streams;

public sealed class ProcessorLogLineTests
{
    private static string LoggedBy(ProcessorLogLevel level, string message, params (string, object?)[] fields)
    {
        string? written = null;
        new JsonLogger(line => written = line, ProcessorLogLevel.Debug).Log(level, message, fields);
        return written!;
    }

    [Fact]
    public void A_quarantine_warning_becomes_a_readable_warning()
    {
        var line = ProcessorLogLine.Parse(LoggedBy(ProcessorLogLevel.Warn, "Record quarantined", ("eventId", "e-1"), ("sequenceNumber", "42"), ("reason", "no order id")));

        Assert.True(line.IsWarning);
        Assert.Equal("Record quarantined (eventId=e-1, sequenceNumber=42, reason=no order id)", line.Text);
    }

    [Fact]
    public void An_info_line_stays_verbose_with_its_numbers()
    {
        var line = ProcessorLogLine.Parse(LoggedBy(ProcessorLogLevel.Info, "Batch processed", ("records", 10), ("audited", 9)));

        Assert.False(line.IsWarning);
        Assert.Equal("Batch processed (records=10, audited=9)", line.Text);
    }

    [Theory]
    [InlineData("""{"_aws":{"Timestamp":1},"RecordsProcessed":1}""")]
    [InlineData("not json at all")]
    public void Anything_else_stays_verbatim_and_verbose(string raw)
    {
        var line = ProcessorLogLine.Parse(raw);

        Assert.False(line.IsWarning);
        Assert.Equal(raw, line.Text);
    }
}
