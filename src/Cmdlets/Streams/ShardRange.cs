namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>A run of records in one shard, from its first to its last sequence number.</summary>
internal sealed record ShardRange(string StreamArn, string ShardId, string StartSequenceNumber, string EndSequenceNumber)
{
    /// <summary>"shard S, sequence numbers A to B of arn": how an error names the range.</summary>
    public string Description => $"shard {ShardId}, sequence numbers {StartSequenceNumber} to {EndSequenceNumber} of {StreamArn}";
}
