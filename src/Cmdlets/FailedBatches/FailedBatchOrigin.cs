using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>Whether a stored failed batch can be tied to the stack's own stream; null when it can.</summary>
internal interface IFailedBatchOrigin
{
    Task<OrderMonitoringException?> ProblemAsync(string source, FailureRecord batch, CancellationToken cancellationToken);

    /// <summary>
    /// For a batch <see cref="ProblemAsync"/> accepted: the batch to replay, or why it is refused. A batch kept whole comes
    /// back with the stream's own records for its range once its payload matches them record by record; a batch that
    /// holds only its range comes back as it is (its records are read from the stream when it is replayed).
    /// </summary>
    Task<(FailureRecord? Batch, OrderMonitoringException? Problem)> ProveAsync(string source, FailureRecord batch, CancellationToken cancellationToken);
}

/// <summary>
/// Anyone who can write to the failed-batches bucket or the failure queue can store a "failed batch". Replaying it
/// writes audit history, and a metadata-only batch is read from the stream it names, which could be another table's
/// (another account's) stream full of made-up orders. So a batch is replayed only when it names THIS stack's stream:
/// the same stream ARN, a shard the stream lists (DescribeStream, read once per run), a sequence range inside that
/// shard's, and, for a batch kept whole, records that name the same stream and lie inside the range. Anything else is
/// refused with <see cref="ErrorId"/>, never replayed from whatever stream it claims. Even inside a real range the
/// payload's images could have been changed, so a batch kept whole is replayed with the stream's records for its
/// range, and only when its payload matches them (else <see cref="PayloadErrorId"/>).
/// </summary>
internal sealed class FailedBatchOrigin : IFailedBatchOrigin
{
    public const string ErrorId = "FailedBatchNotFromThisStream";

    /// <summary>A batch kept whole whose payload is not the stream's records for its range.</summary>
    public const string PayloadErrorId = "FailedBatchPayloadNotFromStream";

    /// <summary>The stream's records for a batch kept whole could not be read, so its payload could not be checked.</summary>
    public const string StreamUnreadableErrorId = "FailedBatchStreamUnreadable";

    private readonly string? _streamArn;
    private readonly IAmazonDynamoDBStreams _streams;
    private readonly IStreamRangeSource _ranges;
    private Task<IReadOnlyDictionary<string, Shard>>? _shards;

    /// <param name="streamArn">The stack's stream (its StreamArn output); null when the stack names none, then nothing can be tied to it.</param>
    /// <param name="streams">The stream client, for its shards.</param>
    /// <param name="ranges">Reads a batch's range from the stream; by default through <paramref name="streams"/>.</param>
    public FailedBatchOrigin(string? streamArn, IAmazonDynamoDBStreams streams, IStreamRangeSource? ranges = null)
    {
        _streamArn = streamArn;
        _streams = streams;
        _ranges = ranges ?? new StreamRangeReader(streams);
    }

    public async Task<OrderMonitoringException?> ProblemAsync(string source, FailureRecord batch, CancellationToken cancellationToken)
    {
        if (_streamArn is null)
        {
            return Refused(source, batch, "the stack names no stream, so no batch can be tied to it");
        }

        if (!string.Equals(batch.StreamArn, _streamArn, StringComparison.Ordinal))
        {
            return Refused(source, batch, $"it names the stream {batch.StreamArn}, but this stack's stream is {_streamArn}");
        }

        if (StreamRangeReader.Compare(batch.StartSequenceNumber, batch.EndSequenceNumber) > 0)
        {
            return Refused(source, batch, "its range ends before it starts");
        }

        if (batch.Records?.Select(RecordProblem(batch)).FirstOrDefault(problem => problem is not null) is { } recordProblem)
        {
            return Refused(source, batch, recordProblem);
        }

        IReadOnlyDictionary<string, Shard> shards;
        try
        {
            shards = await ShardsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException gone) when (gone.ErrorCode == "ResourceNotFoundException")
        {
            return Refused(source, batch, $"this stack's stream {_streamArn} no longer exists ({gone.Message})");
        }

        if (!shards.TryGetValue(batch.ShardId, out var shard))
        {
            return Refused(source, batch, $"the stream has no shard {batch.ShardId} (a shard it never had, or one whose records are past the stream's 24 hours)");
        }

        var first = shard.SequenceNumberRange?.StartingSequenceNumber;
        var last = shard.SequenceNumberRange?.EndingSequenceNumber;
        return (first is not null && StreamRangeReader.Compare(batch.StartSequenceNumber, first) < 0)
               || (last is not null && StreamRangeReader.Compare(batch.EndSequenceNumber, last) > 0)
            ? Refused(source, batch, $"its range lies outside shard {batch.ShardId}, which holds sequence numbers {first ?? "?"} to {last ?? "now (open)"}")
            : null;
    }

    /// <summary>
    /// One range read per batch kept whole (bounded by the batch's own size): the stream's records replace the payload's,
    /// so what is replayed, audited and digested is what the stream holds, whatever was written into the bucket.
    /// </summary>
    public async Task<(FailureRecord? Batch, OrderMonitoringException? Problem)> ProveAsync(string source, FailureRecord batch, CancellationToken cancellationToken)
    {
        if (batch.Records is not { } stored)
        {
            return (batch, null);
        }

        IReadOnlyList<StreamRecord> inStream;
        try
        {
            inStream = await _ranges.ReadAsync(batch.Shard, cancellationToken).ConfigureAwait(false);
        }
        catch (OrderMonitoringException trimmed) when (trimmed.ErrorId == StreamRangeReader.ExpiredErrorId)
        {
            return (null, Refused(source, batch, $"the stream no longer holds its records, so its payload cannot be checked against them ({trimmed.Message})"));
        }
        catch (Exception unreadable) when (unreadable is not OperationCanceledException)
        {
            return (null, new OrderMonitoringException(StreamUnreadableErrorId, (unreadable as OrderMonitoringException)?.Kind ?? FailureKind.OperationFailed,
                $"'{source}' was not replayed: its records could not be read from the stream to check its payload ({batch.Range}): {unreadable.Message}",
                "Nothing was written and the batch stays pending. Run Invoke-OrderEventProcessor -FailedBatches again once the stream can be read (dynamodb:GetShardIterator and GetRecords on it).",
                unreadable));
        }

        return StreamPayloadComparer.FirstDifference(stored, inStream) is { } difference
            ? (null, new OrderMonitoringException(PayloadErrorId, FailureKind.InvalidState,
                $"'{source}' was not replayed: its payload is not the stream's records for its range ({batch.Range}): {difference}.",
                "Keep a copy of it as evidence: someone changed, added or removed records in a stored failed batch. Nothing was written and it stays pending until it is removed; "
                + "find out who wrote it. Its range can still be replayed from the stream itself with Invoke-OrderEventProcessor -FromStream while the stream holds it."))
            : (batch.WithRecords(inStream), null);
    }

    /// <summary>Why one record of a batch kept whole does not belong to it; null when it does.</summary>
    private Func<StreamRecord, string?> RecordProblem(FailureRecord batch) => record =>
    {
        var sequence = record.Dynamodb?.SequenceNumber ?? "";
        if (record.EventSourceArn is { Length: > 0 } named && !string.Equals(named, _streamArn, StringComparison.Ordinal))
        {
            return $"its record {record.EventId} names the stream {named}";
        }

        return sequence.Length == 0
               || StreamRangeReader.Compare(sequence, batch.StartSequenceNumber) < 0
               || StreamRangeReader.Compare(sequence, batch.EndSequenceNumber) > 0
            ? $"its record {record.EventId} has sequence number '{sequence}', outside the batch's range"
            : null;
    };

    // One DescribeStream (all pages) per run, however many batches are checked; a failed read is not cached.
    private Task<IReadOnlyDictionary<string, Shard>> ShardsAsync(CancellationToken cancellationToken)
    {
        if (_shards is null || _shards.IsFaulted || _shards.IsCanceled)
        {
            _shards = Describe(cancellationToken);
        }

        return _shards;
    }

    private async Task<IReadOnlyDictionary<string, Shard>> Describe(CancellationToken cancellationToken)
    {
        var description = await _streams.DescribeStreamAllShardsAsync(_streamArn!, cancellationToken).ConfigureAwait(false);
        return description.Shards.Where(shard => shard.ShardId is not null).GroupBy(shard => shard.ShardId!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First(), StringComparer.Ordinal);
    }

    private static OrderMonitoringException Refused(string source, FailureRecord batch, string why) =>
        new(ErrorId, FailureKind.InvalidState,
            $"'{source}' was not replayed: {why} ({batch.Range}). Only batches of this stack's own stream are replayed.",
            "Keep a copy of it as evidence: it was not written by this stack's Lambda for its stream, or it is older than what the stream still lists. "
            + "If you have checked that its records are this stack's orders, process its payload deliberately with Invoke-OrderEventProcessor -Path; "
            + "otherwise find out who wrote it. It stays pending until it is removed.");
}
