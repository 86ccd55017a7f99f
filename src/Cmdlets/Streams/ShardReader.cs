using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// Reads one shard page by page with the module's one rule for "caught up" (<see cref="CaughtUp"/>); the live runner,
/// the range reader and the pending reader all read through it.
/// </summary>
internal sealed class ShardReader
{
    /// <summary>
    /// A closed shard is read until the service ends it (no next iterator); empty pages before that are normal, so only a
    /// long run of them stops the read, as a guard against an endpoint that never ends the shard.
    /// </summary>
    public const int EmptyPagesOnClosedShard = 100;

    private readonly IAmazonDynamoDBStreams _streams;

    public ShardReader(IAmazonDynamoDBStreams streams) => _streams = streams;

    /// <summary>
    /// True when a shard counts as read to its end for now: an open shard after <paramref name="emptyPagesOnOpenShard"/>
    /// empty pages in a row (DynamoDB Streams can answer empty pages before later records, so one is not the end), a
    /// closed one after <see cref="EmptyPagesOnClosedShard"/>.
    /// </summary>
    public static bool CaughtUp(bool closed, int emptyPagesInRow, int emptyPagesOnOpenShard) =>
        emptyPagesInRow >= (closed ? EmptyPagesOnClosedShard : Math.Max(1, emptyPagesOnOpenShard));

    /// <summary>
    /// Reads from <paramref name="iterator"/> and hands every page to <paramref name="onPage"/> (which returns false to
    /// stop) until the shard is caught up or ends. Returns the iterator to go on from, or null when the shard has ended.
    /// </summary>
    public async Task<string?> ReadAsync(string? iterator, ShardReading reading, Func<IReadOnlyList<StreamRecord>, Task<bool>> onPage,
        CancellationToken cancellationToken)
    {
        var emptyPages = 0;
        while (!string.IsNullOrEmpty(iterator))
        {
            var page = await _streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator!, Limit = reading.PageSize }, cancellationToken)
                .ConfigureAwait(false);
            var goOn = await onPage(page.Records).ConfigureAwait(false);
            iterator = page.NextShardIterator;
            if (!goOn)
            {
                break;
            }

            emptyPages = page.Records.Count == 0 ? emptyPages + 1 : 0;
            if (CaughtUp(reading.Closed, emptyPages, reading.EmptyPagesOnOpenShard))
            {
                break;
            }
        }

        return string.IsNullOrEmpty(iterator) ? null : iterator;
    }
}

/// <summary>How one shard is read: whether it is closed, how many empty pages end an open one, records per page (null: the service's).</summary>
internal sealed record ShardReading(bool Closed, int EmptyPagesOnOpenShard, int? PageSize = null);
