using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.FailedBatches;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>Where the records of a metadata-only failed batch come from.</summary>
internal interface IStreamRangeSource
{
    Task<IReadOnlyList<StreamRecord>> ReadAsync(FailureRecord batch, CancellationToken cancellationToken);
}

/// <summary>
/// Reads a failed batch's records back from the stream by its shard and sequence range: what a metadata-only failure
/// record (an SQS or SNS destination, or a stack older than the S3 destination) leaves to go on. Works only while the
/// stream still has them (24 hours).
/// </summary>
internal sealed class StreamRangeReader : IStreamRangeSource
{
    private const int MaxEmptyPages = 20;

    private readonly IAmazonDynamoDBStreams _streams;

    public StreamRangeReader(IAmazonDynamoDBStreams streams) => _streams = streams;

    /// <summary>The records from start to end sequence number; throws FailedBatchExpired naming the range when the stream no longer has them.</summary>
    public async Task<IReadOnlyList<StreamRecord>> ReadAsync(FailureRecord batch, CancellationToken cancellationToken)
    {
        string? iterator;
        try
        {
            iterator = (await _streams.GetShardIteratorAsync(new GetShardIteratorRequest
            {
                StreamArn = batch.StreamArn, ShardId = batch.ShardId, ShardIteratorType = ShardIteratorType.AT_SEQUENCE_NUMBER,
                SequenceNumber = batch.StartSequenceNumber,
            }, cancellationToken).ConfigureAwait(false)).ShardIterator;
        }
        catch (AwsServiceException gone) when (gone.ErrorCode is "TrimmedDataAccessException" or "ResourceNotFoundException")
        {
            throw Expired(batch, gone.ErrorCode, gone);
        }

        var records = new List<StreamRecord>();
        var emptyPages = 0;
        while (iterator is not null && emptyPages < MaxEmptyPages)
        {
            var page = await _streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 1000 }, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Records)
            {
                var sequence = record.Dynamodb?.SequenceNumber ?? "";
                if (Compare(sequence, batch.EndSequenceNumber) > 0)
                {
                    return Checked(batch, records);
                }

                records.Add(record);
            }

            emptyPages = page.Records.Count == 0 ? emptyPages + 1 : 0;
            iterator = page.NextShardIterator;
        }

        return Checked(batch, records);
    }

    /// <summary>Sequence numbers are decimal strings of growing length: compare by length, then digits.</summary>
    internal static int Compare(string left, string right) =>
        left.Length != right.Length ? left.Length.CompareTo(right.Length) : string.CompareOrdinal(left, right);

    private static IReadOnlyList<StreamRecord> Checked(FailureRecord batch, List<StreamRecord> records)
    {
        var first = records.Count > 0 ? records[0].Dynamodb?.SequenceNumber : null;
        var last = records.Count > 0 ? records[records.Count - 1].Dynamodb?.SequenceNumber : null;
        if (first != batch.StartSequenceNumber || last != batch.EndSequenceNumber)
        {
            throw Expired(batch, records.Count == 0 ? "no records" : $"only {first} to {last}", null);
        }

        return records;
    }

    private static OrderMonitoringException Expired(FailureRecord batch, string found, Exception? inner) =>
        new("FailedBatchExpired", FailureKind.NotFound,
            $"The failed batch holds only its range, and the stream no longer has those records ({batch.Range}; the stream answered: {found}). They cannot be replayed from the stream.",
            "Stream records live 24 hours. Recover these orders from the table itself (their current state) or another copy, then remove the failure record "
                + "(its failure-queue message, or its object in the failed-batches bucket) so it no longer counts as pending. The S3 on-failure destination keeps whole records.",
            inner);
}
