namespace OrderMonitoring.Aws.Streams;

/// <summary>Follows LastEvaluatedShardId so no shard is missed.</summary>
public static class StreamsPaging
{
    /// <summary>The stream with every shard (parents before children, in the order the service lists them).</summary>
    public static async Task<StreamDescription> DescribeStreamAllShardsAsync(this IAmazonDynamoDBStreams client, string streamArn,
        CancellationToken cancellationToken = default)
    {
        var all = await Paging.MergeAllAsync(
            async (next, token) => (await client.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = streamArn, ExclusiveStartShardId = next }, token)
                .ConfigureAwait(false)).StreamDescription,
            page => page.LastEvaluatedShardId, page => page.Shards, cancellationToken).ConfigureAwait(false);
        all.LastEvaluatedShardId = null;
        return all;
    }
}
