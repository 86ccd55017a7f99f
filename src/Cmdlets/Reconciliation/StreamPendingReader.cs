using System.Text.Json;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// Reads every record the table's stream still holds (up to 24 hours, every shard from TRIM_HORIZON) into
/// <see cref="PendingChanges"/>. Only keys and sequence numbers are kept. It is not a reader of the stream in the
/// processor's sense: no checkpoint is read or moved.
/// </summary>
internal sealed class StreamPendingReader
{
    // An open shard answers empty pages once it is read to its end (and sometimes before); a few in a row end it (see ShardReader).
    private const int EmptyPagesToStop = 3;

    private readonly IAmazonDynamoDBStreams _streams;

    public StreamPendingReader(IAmazonDynamoDBStreams streams) => _streams = streams;

    public async Task<PendingChanges> ReadAsync(string streamArn, CancellationToken cancellationToken)
    {
        var pending = new PendingChanges();
        var shards = new ShardReader(_streams);
        var description = await _streams.DescribeStreamAllShardsAsync(streamArn, cancellationToken).ConfigureAwait(false);
        foreach (var shard in description.Shards.Where(s => s.ShardId is not null))
        {
            var iterator = (await _streams.GetShardIteratorAsync(new GetShardIteratorRequest { StreamArn = streamArn, ShardId = shard.ShardId!, ShardIteratorType = ShardIteratorType.TRIM_HORIZON },
                cancellationToken).ConfigureAwait(false)).ShardIterator;
            await shards.ReadAsync(iterator, new ShardReading(Closed: !string.IsNullOrEmpty(shard.SequenceNumberRange?.EndingSequenceNumber), EmptyPagesToStop), records =>
            {
                foreach (var record in records)
                {
                    Add(pending, record);
                }

                return Task.FromResult(true);
            }, cancellationToken).ConfigureAwait(false);
        }

        return pending;
    }

    private static void Add(PendingChanges pending, StreamRecord record)
    {
        var data = record.Dynamodb;
        if (data?.Keys is not { ValueKind: JsonValueKind.Object } keys || !AuditKey.IsValidSequenceNumber(data.SequenceNumber))
        {
            return;
        }

        if (Typed(keys, TemplateContract.Table.OrderIdAttribute, "S") is { Length: > 0 } orderId && Typed(keys, TemplateContract.Table.TimestampAttribute, "N") is { } timestamp)
        {
            pending.Add(orderId, timestamp, data.SequenceNumber!);
        }
    }

    private static string? Typed(JsonElement keys, string name, string type) =>
        keys.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object && value.TryGetProperty(type, out var text) && text.ValueKind == JsonValueKind.String
            ? text.GetString()
            : null;
}
