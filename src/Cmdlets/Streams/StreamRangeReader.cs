using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>Where the records of a metadata-only failed batch come from.</summary>
internal interface IStreamRangeSource
{
    Task<IReadOnlyList<StreamRecord>> ReadAsync(ShardRange range, CancellationToken cancellationToken);
}

/// <summary>
/// Reads a failed batch's records back from the stream by its shard and sequence range: what a metadata-only failure
/// record (an SQS or SNS destination, or a stack older than the S3 destination) leaves to go on. Works only while the
/// stream still has them (24 hours).
/// </summary>
internal sealed class StreamRangeReader : IStreamRangeSource
{
    // A range is read from its first record, so empty pages mean the stream no longer has the rest; this many in a row end the read.
    private const int MaxEmptyPages = 20;

    /// <summary>The stream no longer holds (all of) a range's records.</summary>
    public const string ExpiredErrorId = "FailedBatchExpired";

    private readonly IAmazonDynamoDBStreams _streams;

    public StreamRangeReader(IAmazonDynamoDBStreams streams) => _streams = streams;

    /// <summary>The records from start to end sequence number; throws FailedBatchExpired naming the range when the stream no longer has them.</summary>
    public async Task<IReadOnlyList<StreamRecord>> ReadAsync(ShardRange range, CancellationToken cancellationToken)
    {
        string? iterator;
        try
        {
            iterator = (await _streams.GetShardIteratorAsync(new GetShardIteratorRequest
            {
                StreamArn = range.StreamArn, ShardId = range.ShardId, ShardIteratorType = ShardIteratorType.AT_SEQUENCE_NUMBER,
                SequenceNumber = range.StartSequenceNumber,
            }, cancellationToken).ConfigureAwait(false)).ShardIterator;
        }
        catch (AwsServiceException gone) when (gone.ErrorCode is "TrimmedDataAccessException" or "ResourceNotFoundException")
        {
            throw Expired(range, gone.ErrorCode, gone);
        }

        // Whether the shard is closed does not matter here: the read ends at the range's last record.
        var records = new List<StreamRecord>();
        await new ShardReader(_streams).ReadAsync(iterator, new ShardReading(Closed: false, EmptyPagesOnOpenShard: MaxEmptyPages, PageSize: 1000), page =>
        {
            foreach (var record in page)
            {
                if (Compare(record.Dynamodb?.SequenceNumber ?? "", range.EndSequenceNumber) > 0)
                {
                    return Task.FromResult(false);
                }

                records.Add(record);
            }

            return Task.FromResult(true);
        }, cancellationToken).ConfigureAwait(false);
        return Checked(range, records);
    }

    /// <summary>Sequence numbers are decimal strings of growing length: compare by length, then digits.</summary>
    internal static int Compare(string left, string right) =>
        left.Length != right.Length ? left.Length.CompareTo(right.Length) : string.CompareOrdinal(left, right);

    private static IReadOnlyList<StreamRecord> Checked(ShardRange batch, List<StreamRecord> records)
    {
        var first = records.Count > 0 ? records[0].Dynamodb?.SequenceNumber : null;
        var last = records.Count > 0 ? records[records.Count - 1].Dynamodb?.SequenceNumber : null;
        if (first != batch.StartSequenceNumber || last != batch.EndSequenceNumber)
        {
            throw Expired(batch, records.Count == 0 ? "no records" : $"only {first} to {last}", null);
        }

        return records;
    }

    private static OrderMonitoringException Expired(ShardRange batch, string found, Exception? inner) =>
        new(ExpiredErrorId, FailureKind.NotFound,
            $"The failed batch holds only its range, and the stream no longer has those records ({batch.Description}; the stream answered: {found}). They cannot be replayed from the stream.",
            "Stream records live 24 hours. Recover these orders from the table itself (their current state) or another copy, then remove the failure record "
                + "(its failure-queue message, or its object in the failed-batches bucket) so it no longer counts as pending. The S3 on-failure destination keeps whole records.",
            inner);
}
