using Amazon.S3;
using Amazon.SQS;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.FailedBatches.LegacyQueue;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>
/// The failed-batch side of Invoke-OrderEventProcessor's composition root: where a run keeps what it gives up on, and
/// the replay of what was kept, over the stream services' processor and range reader plus S3 and SQS clients of its own.
/// </summary>
internal sealed class FailedBatchServices : IDisposable
{
    private readonly StreamServices _streams;
    private readonly TimeProvider _time;
    private readonly Lazy<IAmazonS3> _s3;
    private readonly Lazy<IAmazonSQS> _sqs;
    private readonly Lazy<IAmazonDynamoDBStreams> _streamsClient;

    public FailedBatchServices(AwsClientFactory factory, StreamServices streams, TimeProvider time)
    {
        _streams = streams;
        _time = time;
        _s3 = new Lazy<IAmazonS3>(factory.CreateS3);
        _sqs = new Lazy<IAmazonSQS>(factory.CreateSqs);
        _streamsClient = new Lazy<IAmazonDynamoDBStreams>(factory.CreateDynamoDBStreams);
    }

    /// <summary>
    /// Where the stream run keeps a failed range: whole records in the failed-batches bucket, like Lambda's S3
    /// destination; only a stack older than that bucket falls back to the range-only failure queue; null when neither.
    /// </summary>
    public IFailedBatchSink? SinkFor(OrderStackResources stack) =>
        stack.FailedBatchesBucketName is { } bucket ? new FailedBatchSink(new S3FailedBatchStore(_s3.Value, bucket), _time)
        : stack.FailureQueueUrl is { } url ? new SqsFailedBatchSink(_sqs.Value, url, _time)
        : null;

    /// <summary>
    /// -FailedBatches: the failure queue's ranges, then the bucket's whole batches, each confirmed and replayed. Queue
    /// messages not replayed are released at the end (after Ctrl+C they come back by themselves when the hold ends).
    /// </summary>
    public async Task ReplayAsync(OrderStackResources stack, IRecordProcessor processor, ConfirmStep confirm, IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        var ranges = _streams.RangeReader();
        var origin = new FailedBatchOrigin(stack.StreamArn, _streamsClient.Value, ranges);
        var sources = new FailedBatchSources(stack, bucket => new S3FailedBatchStore(_s3.Value, bucket), url => new SqsFailureQueueClient(_sqs.Value, url));
        try
        {
            foreach (var source in sources.All)
            {
                await new FailedBatchReplayer(source, processor, ranges, _time, origin)
                    .ReplayAllAsync($"Replaying the failed batches of {stack.StackName}", confirm, reporter, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (sources.Queue is { } queue && !cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync(queue, reporter, cancellationToken).ConfigureAwait(false);
            }
        }

        if (sources.Queue is { MoreMayWait: true })
        {
            reporter.Warning($"This run took the first {FailureQueueBatches.MaxMessagesPerRun} failure-queue messages; run it again for the rest.");
        }

        if (sources.Bucket is null)
        {
            reporter.Failure(FailedBatchSources.BucketMissing(stack.StackName, queueReplayed: true), stack.StackName);
        }
    }

    private static async Task ReleaseAsync(FailureQueueBatches queue, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var stuck in await queue.ReleaseAsync(cancellationToken).ConfigureAwait(false))
            {
                reporter.Warning($"Could not release failure-queue message {stuck}; it is visible again {FailureQueueBatches.Hold.TotalMinutes:0} minutes after this run read it.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            reporter.Warning($"Could not release the failure-queue messages this run held ({ex.Message}); they are visible again {FailureQueueBatches.Hold.TotalMinutes:0} minutes after this run read them.");
        }
    }

    public void Dispose()
    {
        if (_s3.IsValueCreated)
        {
            _s3.Value.Dispose();
        }

        if (_sqs.IsValueCreated)
        {
            _sqs.Value.Dispose();
        }

        if (_streamsClient.IsValueCreated)
        {
            _streamsClient.Value.Dispose();
        }
    }
}
