using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// Reads one shard page by page with the module's one rule for "caught up" (<see cref="CaughtUp"/>); the live runner,
/// the range reader and the pending reader all read through it. Throttled reads back off and try again (never failing
/// the read: the stream's per-shard read limit is shared with other readers); an iterator that expired (15 minutes,
/// e.g. after a laptop slept) is renewed after the last record handed on; with <see cref="ShardReading.ReadAhead"/> the
/// next page is requested while the current one is handled.
/// </summary>
internal sealed class ShardReader
{
    /// <summary>
    /// A closed shard is read until the service ends it (no next iterator); empty pages before that are normal, so only a
    /// long run of them stops the read, as a guard against an endpoint that never ends the shard.
    /// </summary>
    public const int EmptyPagesOnClosedShard = 100;

    /// <summary>The first pause after a throttled read; it doubles up to <see cref="MaxThrottleDelay"/>.</summary>
    public static readonly TimeSpan FirstThrottleDelay = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan MaxThrottleDelay = TimeSpan.FromSeconds(10);

    private readonly IAmazonDynamoDBStreams _streams;
    private readonly TimeProvider _time;

    public ShardReader(IAmazonDynamoDBStreams streams, TimeProvider? time = null)
    {
        _streams = streams;
        _time = time ?? ModuleClock.System;
    }

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
    /// <paramref name="renewIterator"/> gets a fresh iterator after a sequence number (null: from where the read began)
    /// when the service says the current one expired; without it an expired iterator fails the read.
    /// </summary>
    public async Task<string?> ReadAsync(string? iterator, ShardReading reading, Func<IReadOnlyList<StreamRecord>, Task<bool>> onPage,
        CancellationToken cancellationToken, Func<string?, CancellationToken, Task<string?>>? renewIterator = null)
    {
        var emptyPages = 0;
        string? lastHandedOn = null;
        Task<Page>? ahead = null;
        try
        {
            while (!string.IsNullOrEmpty(iterator))
            {
                var page = ahead is not null ? await ahead.ConfigureAwait(false) : await FetchAsync(iterator!, reading.PageSize, cancellationToken).ConfigureAwait(false);
                ahead = null;
                if (page.Expired)
                {
                    iterator = renewIterator is null
                        ? throw page.Expiry!
                        : await renewIterator(lastHandedOn, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var next = page.Response.NextShardIterator;
                // Only a page with records promises more soon; at the tip an early request would only add empty polls.
                if (reading.ReadAhead && page.Response.Records.Count > 0 && !string.IsNullOrEmpty(next))
                {
                    ahead = FetchAsync(next!, reading.PageSize, cancellationToken);
                }

                var goOn = await onPage(page.Response.Records).ConfigureAwait(false);
                if (page.Response.Records.Count > 0)
                {
                    lastHandedOn = page.Response.Records[page.Response.Records.Count - 1].Dynamodb?.SequenceNumber ?? lastHandedOn;
                }

                iterator = next;
                if (!goOn)
                {
                    break;
                }

                emptyPages = page.Response.Records.Count == 0 ? emptyPages + 1 : 0;
                if (CaughtUp(reading.Closed, emptyPages, reading.EmptyPagesOnOpenShard))
                {
                    break;
                }
            }
        }
        finally
        {
            // A page read ahead and not handed on is dropped: the returned iterator still points before it.
            if (ahead is not null)
            {
                _ = ahead.ContinueWith(static read => _ = read.Exception, TaskScheduler.Default);
            }
        }

        return string.IsNullOrEmpty(iterator) ? null : iterator;
    }

    /// <summary>One GetRecords call, throttling waited out; an expired iterator is reported instead of thrown.</summary>
    private async Task<Page> FetchAsync(string iterator, int? limit, CancellationToken cancellationToken)
    {
        var delay = FirstThrottleDelay;
        while (true)
        {
            try
            {
                return new Page(await _streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = limit }, cancellationToken)
                    .ConfigureAwait(false), null);
            }
            catch (AmazonServiceException error) when (error.ErrorCode == "ExpiredIteratorException")
            {
                return new Page(new GetRecordsResponse(), error);
            }
            catch (AmazonServiceException error) when (TransientErrors.IsThrottling(error.StatusCode, error.ErrorCode))
            {
                await _time.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxThrottleDelay.Ticks));
            }
        }
    }

    private sealed record Page(GetRecordsResponse Response, AmazonServiceException? Expiry)
    {
        public bool Expired => Expiry is not null;
    }
}

/// <summary>
/// How one shard is read: whether it is closed, how many empty pages end an open one, records per page (null: the
/// service's), and whether the next page is requested while the current one is handled.
/// </summary>
internal sealed record ShardReading(bool Closed, int EmptyPagesOnOpenShard, int? PageSize = null, bool ReadAhead = false);
