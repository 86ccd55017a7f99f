using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Orders;
using OrderMonitoring.Processor.Storage;

namespace OrderMonitoring.Processor.Tests.Fakes;

/// <summary>The batch processor given the order handler over a store and publisher, as ProcessorServices wires them over S3 and SNS.</summary>
internal sealed class OrderPipeline
{
    public OrderPipeline(IAuditStore store, IAlertPublisher publisher, BatchProcessorOptions options)
    {
        Processor = new BatchProcessor(options);
        Handler = new OrderRecordHandler(store, publisher, Processor.Log, options);
    }

    public BatchProcessor Processor { get; }

    public IRecordHandler Handler { get; }

    public Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken = default) =>
        Processor.ProcessAsync(records, Handler, cancellationToken);

    /// <summary>The Lambda entry point over this pipeline.</summary>
    public Function Function() => new(Processor, Handler);
}
