namespace OrderMonitoring.Aws.Streams;

/// <summary>The DynamoDB Streams operations we use, shaped like the SDK's interface so AWSSDK.DynamoDBStreams can replace it.</summary>
public interface IAmazonDynamoDBStreams : IDisposable
{
    /// <summary>One page of stream ARNs (of one table when <c>TableName</c> is set).</summary>
    Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default);

    /// <summary>A stream and one page of its shards; see <see cref="StreamsPaging"/> for all shards.</summary>
    Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default);

    /// <summary>An iterator to start reading a shard from.</summary>
    Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default);

    /// <summary>Records from an iterator, in the same <see cref="StreamRecord"/> shape Lambda events use.</summary>
    Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default);
}
