using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>Processes one batch of stream records (the processor's <see cref="BatchProcessor"/>, or a fake).</summary>
internal interface IRecordProcessor
{
    /// <summary>Processes the batch; failures are reported in the result, not thrown.</summary>
    Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken);

    /// <summary>The order a record belongs to (null: none); records of one order run in stream order, also across batches.</summary>
    string? OrderOf(StreamRecord record);
}

/// <summary>The in-process processor over S3 and SNS, exactly as the Lambda runs it.</summary>
internal sealed class InProcessRecordProcessor(BatchProcessor processor, IRecordHandler handler) : IRecordProcessor
{
    public Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken) =>
        processor.ProcessAsync(records, handler, cancellationToken);

    public string? OrderOf(StreamRecord record) => OrderMonitoring.Processor.Audit.ReadOutcome.OrderIdOf(record);
}
