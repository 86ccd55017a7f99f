using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Orders;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>The business rule for one record, without any batch mechanics around it.</summary>
public sealed class OrderRecordHandlerTests
{
    private readonly MemoryAuditStore _store = new();
    private readonly MemoryAlertPublisher _publisher = new();
    private readonly List<string> _lines = new();

    private OrderRecordHandler Handler() =>
        new(_store, _publisher, new ProcessorLog(new JsonLogger(_lines.Add), ProcessorLogLevel.Debug), new BatchProcessorOptions { RetryAttempts = 0 });

    private static ReadOutcome Read(StreamRecord record) => StreamRecordReader.Read(record, "test", Harness.Now);

    [Fact]
    public async Task A_failed_order_is_audited_first_then_alerted()
    {
        var record = Events.Modify("ORD-1", "PENDING", "FAILED");
        var order = new List<string>();
        _store.FailWhen = key => { order.Add("put " + key); return false; };
        _publisher.FailWhen = alert => { order.Add("alert " + alert.Attributes["orderId"]); return false; };

        var handled = await Handler().HandleAsync(record, Read(record), NoBatchJournal.Instance, CancellationToken.None);

        Assert.Equal(new HandledRecord(RecordState.Audited, Alerted: true), handled);
        Assert.Equal(2, order.Count);
        Assert.StartsWith("put orders/ORD-1/", order[0], StringComparison.Ordinal);
        Assert.Equal("alert ORD-1", order[1]);
    }

    [Fact]
    public async Task A_pending_order_is_audited_without_an_alert()
    {
        var record = Events.Insert("ORD-2");

        var handled = await Handler().HandleAsync(record, Read(record), NoBatchJournal.Instance, CancellationToken.None);

        Assert.Equal(new HandledRecord(RecordState.Audited, Alerted: false), handled);
        Assert.Single(_store.Objects);
        Assert.Empty(_publisher.Published);
        Assert.Contains(_lines, line => line.Contains("\"Audit object written\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_write_throws_so_the_batch_can_hold_the_order_back_and_nothing_is_alerted()
    {
        var record = Events.Modify("ORD-3", "PENDING", "FAILED");
        _store.FailWhen = _ => true;

        await Assert.ThrowsAsync<IOException>(() => Handler().HandleAsync(record, Read(record), NoBatchJournal.Instance, CancellationToken.None));

        Assert.Empty(_publisher.Published);
    }
}
