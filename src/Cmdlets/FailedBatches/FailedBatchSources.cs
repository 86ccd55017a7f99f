using OrderMonitoring.Cmdlets.FailedBatches.LegacyQueue;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>
/// Where -FailedBatches finds a stack's failed batches: its failure queue first (metadata-only ranges, replayable only
/// while the stream still has their records), then its failed-batches bucket (whole records).
/// </summary>
internal sealed class FailedBatchSources
{
    public FailedBatchSources(OrderStackResources stack, Func<string, IFailedBatchStore> bucket, Func<string, IFailureQueueClient> queue)
    {
        Queue = stack.FailureQueueUrl is { Length: > 0 } url ? new FailureQueueBatches(queue(url)) : null;
        Bucket = stack.FailedBatchesBucketName is { Length: > 0 } name ? bucket(name) : null;
        if (Queue is null && Bucket is null)
        {
            throw BucketMissing(stack.StackName, queueReplayed: false);
        }
    }

    /// <summary>The failure queue, or null when the stack names none.</summary>
    public FailureQueueBatches? Queue { get; }

    /// <summary>The failed-batches bucket, or null for a stack deployed before it existed.</summary>
    public IFailedBatchStore? Bucket { get; }

    /// <summary>The queue first: its ranges are lost when the stream trims their records; the bucket's records are kept whole.</summary>
    public IReadOnlyList<IFailedBatchSource> All =>
        new IFailedBatchSource?[] { Queue, Bucket }.Where(source => source is not null).Select(source => source!).ToList();

    /// <summary>
    /// FailedBatchesBucketMissing: the stack keeps no whole failed batches. Terminating when it has no failure queue
    /// either (nothing to replay); written after the queue's replay otherwise.
    /// </summary>
    public static OrderMonitoringException BucketMissing(string stackName, bool queueReplayed) => new("FailedBatchesBucketMissing", FailureKind.InvalidState,
        queueReplayed
            ? $"The stack '{stackName}' has no failed-batches bucket (it was deployed before failed batches were kept in S3): its failed batches reach only "
                + "its failure queue, as sequence ranges that can be replayed only while the stream still has their records (24 hours). "
                + "The ranges in the queue were replayed above; one the stream no longer has was reported as FailedBatchExpired and stays in the queue."
            : $"The stack '{stackName}' has neither a failed-batches bucket nor a failure queue: there is nothing to replay failed batches from.",
        "Update the stack with New-OrderMonitoringStack: failed batches are then kept whole in S3 and can be replayed at any time.");
}
