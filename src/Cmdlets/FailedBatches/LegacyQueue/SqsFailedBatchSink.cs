using Amazon.SQS;
using Amazon.SQS.Model;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.FailedBatches.LegacyQueue;

/// <summary>
/// The local run's failure path on a stack older than the failed-batches bucket: the range (no records) as Lambda's SQS
/// on-failure destination gets it, in the failure queue, replayable with -FailedBatches while the stream keeps the records.
/// </summary>
internal sealed class SqsFailedBatchSink : IFailedBatchSink
{
    private readonly IAmazonSQS _sqs;
    private readonly string _queueUrl;
    private readonly TimeProvider _time;

    public SqsFailedBatchSink(IAmazonSQS sqs, string queueUrl, TimeProvider time)
    {
        _sqs = sqs;
        _queueUrl = queueUrl;
        _time = time;
    }

    public Task KeepAsync(FailedRange range, CancellationToken cancellationToken) =>
        _sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = _queueUrl, MessageBody = FailureRecord.ToJson(range, records: null, _time.GetUtcNow()) },
            cancellationToken);
}
