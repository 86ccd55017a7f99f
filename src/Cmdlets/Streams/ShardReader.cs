using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// Reads one shard page by page with the module's one rule for "caught up" (<see cref="CaughtUp"/>); the live runner,
/// the range reader and the pending reader all read through it. Throttled reads back off and try again (never failing
/// the read: the stream's per-shard read limit is shared with other readers); an iterator that expired (15 minutes,
/// e.g. after a laptop slept) is renewed after the last record handed on; with <see cref="ShardReading.PagesAhead"/> each
/// next page is requested as soon as the previous answer names its iterator, while earlier pages are still handled.
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
        PagesAhead? ahead = null;
        try
        {
            while (!string.IsNullOrEmpty(iterator))
            {
                // Only a page with records promises more soon: after an empty one the next request waits for its turn, so
                // at the tip an early request adds no empty polls.
                if (reading.PagesAhead > 0 && ahead is null && emptyPages == 0)
                {
                    ahead = new PagesAhead(this, iterator!, reading, cancellationToken);
                }

                var page = ahead is not null ? await ahead.NextAsync().ConfigureAwait(false) : await FetchAsync(iterator!, reading.PageSize, cancellationToken).ConfigureAwait(false);
                if (ahead is not null && PagesAhead.EndsAfter(page))
                {
                    // The requests ahead stopped at this page (its end, an empty page or an expiry): the loop goes on by itself.
                    ahead.Dispose();
                    ahead = null;
                }

                if (page.Expired)
                {
                    iterator = renewIterator is null
                        ? throw page.Expiry!
                        : await renewIterator(lastHandedOn, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var next = page.Response.NextShardIterator;
                var goOn = await onPage(page.Response.Records).ConfigureAwait(false);
                ahead?.Handled();
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
            // Pages read ahead and not handed on are dropped: the returned iterator still points before them.
            ahead?.Dispose();
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

    /// <summary>
    /// The requests ahead of the pages being handled: each next page is requested as soon as the previous answer names
    /// its iterator, with at most <see cref="ShardReading.PagesAhead"/> pages read (or being read) beyond the one being
    /// handled. The chain stops by itself after an empty page, the shard's end or an expired iterator; a failed read
    /// reaches the reader when it asks for that page, in order.
    /// </summary>
    private sealed class PagesAhead : IDisposable
    {
        private readonly ShardReader _reader;
        private readonly int? _pageSize;
        private readonly CancellationTokenSource _stop;
        private readonly SemaphoreSlim _room;
        private readonly SemaphoreSlim _ready = new(0);
        private readonly Queue<Task<Page>> _pages = new();
        private readonly Task _requests;

        public PagesAhead(ShardReader reader, string iterator, ShardReading reading, CancellationToken cancellationToken)
        {
            _reader = reader;
            _pageSize = reading.PageSize;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // The page being handled keeps its place until it is handled; the others are the pages ahead.
            _room = new SemaphoreSlim(reading.PagesAhead + 1);
            _requests = RequestAsync(iterator, _stop.Token);
        }

        /// <summary>True when the chain of requests ends after this page.</summary>
        public static bool EndsAfter(Page page) =>
            page.Expired || page.Response.Records.Count == 0 || string.IsNullOrEmpty(page.Response.NextShardIterator);

        /// <summary>The next page in stream order (its read's failure, if it failed).</summary>
        public async Task<Page> NextAsync()
        {
            await _ready.WaitAsync(_stop.Token).ConfigureAwait(false);
            Task<Page> page;
            lock (_pages)
            {
                page = _pages.Dequeue();
            }

            return await page.ConfigureAwait(false);
        }

        /// <summary>The page last returned has been handled: its place goes to one more page ahead.</summary>
        public void Handled() => _room.Release();

        public void Dispose()
        {
            _stop.Cancel();
            // Whatever the dropped reads end in (a cancellation, a failure) is not the caller's any more.
            lock (_pages)
            {
                foreach (var dropped in _pages)
                {
                    _ = dropped.ContinueWith(static read => _ = read.Exception, TaskScheduler.Default);
                }

                _pages.Clear();
            }

            _ = _requests.ContinueWith(static (requests, state) =>
            {
                _ = requests.Exception;
                ((CancellationTokenSource)state!).Dispose();
            }, _stop, TaskScheduler.Default);
        }

        private async Task RequestAsync(string iterator, CancellationToken stop)
        {
            while (true)
            {
                await _room.WaitAsync(stop).ConfigureAwait(false);
                var read = _reader.FetchAsync(iterator, _pageSize, stop);
                lock (_pages)
                {
                    _pages.Enqueue(read);
                }

                _ready.Release();
                Page page;
                try
                {
                    page = await read.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Handed to the reader in its turn (NextAsync); nothing after a failed read is requested.
                    return;
                }

                if (EndsAfter(page))
                {
                    return;
                }

                iterator = page.Response.NextShardIterator!;
            }
        }
    }
}

/// <summary>
/// How one shard is read: whether it is closed, how many empty pages end an open one, records per page (null: the
/// service's), and how many pages are requested ahead of the one being handled (0: none).
/// </summary>
internal sealed record ShardReading(bool Closed, int EmptyPagesOnOpenShard, int? PageSize = null, int PagesAhead = 0);
