using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>Processes one batch of stream records (the processor's <see cref="BatchProcessor"/>, or a fake).</summary>
internal interface IRecordProcessor
{
    /// <summary>Processes the batch; failures are reported in the result, not thrown.</summary>
    Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken);
}

/// <summary>The in-process processor over S3 and SNS, exactly as the Lambda runs it.</summary>
internal sealed class InProcessRecordProcessor : IRecordProcessor
{
    private readonly BatchProcessor _processor;
    private readonly IRecordHandler _handler;

    public InProcessRecordProcessor(BatchProcessor processor, IRecordHandler handler)
    {
        _processor = processor;
        _handler = handler;
    }

    public Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken) =>
        _processor.ProcessAsync(records, _handler, cancellationToken);
}
