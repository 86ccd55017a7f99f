using Amazon.SQS;
using Amazon.SQS.Model;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.FailedBatches.LegacyQueue;

/// <summary>
/// The local run's failure path on a stack older than the failed-batches bucket: the range (no records) as Lambda's SQS
/// on-failure destination gets it, in the failure queue, replayable with -FailedBatches while the stream keeps the records.
/// </summary>
internal sealed class SqsFailedBatchSink(IAmazonSQS sqs, string queueUrl, TimeProvider time) : IFailedBatchSink
{
    public Task KeepAsync(FailedRange range, CancellationToken cancellationToken) =>
        sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = FailureRecord.ToJson(range, records: null, time.GetUtcNow()) },
            cancellationToken);
}
