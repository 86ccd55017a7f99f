namespace OrderMonitoring.Aws.Streams;

/// <summary>Follows LastEvaluatedShardId so no shard is missed.</summary>
public static class StreamsPaging
{
    /// <summary>The stream with every shard (parents before children, in the order the service lists them).</summary>
    public static async Task<StreamDescription> DescribeStreamAllShardsAsync(this IAmazonDynamoDBStreams client, string streamArn,
        CancellationToken cancellationToken = default)
    {
        var first = (await client.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = streamArn }, cancellationToken).ConfigureAwait(false))
            .StreamDescription;
        var next = first.LastEvaluatedShardId;
        while (!string.IsNullOrEmpty(next))
        {
            var page = (await client.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = streamArn, ExclusiveStartShardId = next }, cancellationToken)
                .ConfigureAwait(false)).StreamDescription;
            first.Shards.AddRange(page.Shards);
            next = page.LastEvaluatedShardId;
        }

        first.LastEvaluatedShardId = null;
        return first;
    }
}
