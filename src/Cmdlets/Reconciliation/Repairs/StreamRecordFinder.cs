using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Cmdlets.Reconciliation.Repairs;

/// <summary>Finds one record in a stream by its sequence number (the stream holds records for 24 hours).</summary>
internal interface IStreamRecordSource
{
    /// <summary>
    /// The record of <paramref name="streamArn"/> with <paramref name="sequenceNumber"/> and (when given)
    /// <paramref name="eventId"/>; null when the stream no longer holds it.
    /// </summary>
    Task<StreamRecord?> FindAsync(string streamArn, string sequenceNumber, string? eventId, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IStreamRecordSource"/> on DynamoDB Streams: only the shard whose sequence-number range holds the number
/// (of this stack's stream, never one a document names), read with an AT_SEQUENCE_NUMBER iterator, and the record
/// accepted only when its sequence number and event id are the ones the digest gave.
/// </summary>
internal sealed class StreamRecordFinder(IAmazonDynamoDBStreams streams) : IStreamRecordSource
{
    public async Task<StreamRecord?> FindAsync(string streamArn, string sequenceNumber, string? eventId, CancellationToken cancellationToken)
    {
        var description = await streams.DescribeStreamAllShardsAsync(streamArn, cancellationToken).ConfigureAwait(false);
        foreach (var shard in description.Shards.Where(shard => shard.ShardId is not null && Holds(shard.SequenceNumberRange, sequenceNumber)))
        {
            string? iterator;
            try
            {
                iterator = (await streams.GetShardIteratorAsync(new GetShardIteratorRequest
                {
                    StreamArn = streamArn,
                    ShardId = shard.ShardId!,
                    ShardIteratorType = ShardIteratorType.AT_SEQUENCE_NUMBER,
                    SequenceNumber = sequenceNumber,
                }, cancellationToken).ConfigureAwait(false)).ShardIterator;
            }
            catch (AwsServiceException gone) when (gone.ErrorCode is "TrimmedDataAccessException" or "ResourceNotFoundException")
            {
                // Older than the stream's 24 hours, or the shard has left the stream: the record is no longer there.
                continue;
            }

            if (iterator is null)
            {
                continue;
            }

            var page = await streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 1 }, cancellationToken).ConfigureAwait(false);
            var record = page.Records.FirstOrDefault();
            if (record?.Dynamodb?.SequenceNumber is { } found && SameNumber(found, sequenceNumber)
                && (eventId is null || string.Equals(record.EventId, eventId, StringComparison.Ordinal)))
            {
                return record;
            }
        }

        return null;
    }

    /// <summary>True when the shard's range holds the number (an open shard has no end).</summary>
    internal static bool Holds(SequenceNumberRange? range, string sequenceNumber) =>
        range?.StartingSequenceNumber is { } start && Compare(start, sequenceNumber) <= 0
        && (range.EndingSequenceNumber is not { } end || Compare(sequenceNumber, end) <= 0);

    private static bool SameNumber(string a, string b) => Compare(a, b) == 0;

    // Sequence numbers are decimal strings of up to 40 digits: too long for a long, ordered by length then by digits.
    private static int Compare(string a, string b)
    {
        var left = a.TrimStart('0');
        var right = b.TrimStart('0');
        return left.Length != right.Length ? left.Length.CompareTo(right.Length) : string.CompareOrdinal(left, right);
    }
}
