using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Cmdlets.Tests.Streams;

/// <summary>Catching up on a backlog: full pages read ahead, shards at once, throttling and expiry survived, gaps never silent.</summary>
public sealed class StreamCatchUpTests
{
    private const string Arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1";
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly SteppingTime _time = new(DateTimeOffset.FromUnixTimeSeconds(1767225600).AddHours(30));
    private readonly FakeStreams _streams = new();
    private readonly ScriptedProcessor _processor = new();
    private readonly MemoryCheckpoints _checkpoints = new();
    private readonly RecordingReporter _reporter = new();

    [Fact]
    public async Task Requests_each_next_page_as_soon_as_its_iterator_is_known_and_keeps_stream_order()
    {
        _streams.AddShard("s", null, closed: true, Sequences(1, 4500));
        var requestedWhenHandled = new List<int>();
        _processor.OnCall = async (_, _) =>
        {
            if (requestedWhenHandled.Count == 0)
            {
                // Page 1 is still being processed: pages 2 and 3 are requested without waiting for it.
                await WaitUntil(() => _streams.GetRecordsCalls >= 3);
            }

            requestedWhenHandled.Add(_streams.GetRecordsCalls);
        };

        var result = await Run(new StreamReaderOptions { PageSize = 1000, PagesAhead = 2 });

        // Never more than two pages beyond the one being processed (memory stays bounded).
        Assert.Equal(5, requestedWhenHandled.Count);
        Assert.All(requestedWhenHandled.Select((requested, page) => (requested, page)), handled => Assert.True(handled.requested <= handled.page + 3));
        Assert.Equal(5, _streams.GetRecordsCalls); // the shard's end needs no extra request
        Assert.Equal(Sequences(1, 4500).Select(s => s.ToString()), _processor.Calls.SelectMany(call => call));
        Assert.Equal(new[] { 1000, 1000, 1000, 1000, 500 }, _processor.Calls.Select(call => call.Count));
        Assert.Equal(4500, result.Records);
        Assert.Equal(new ShardCheckpoint("4500", Finished: true, FakeStreams.Arrival), _checkpoints.Saved["s"]);
    }

    [Fact]
    public async Task A_read_ahead_that_fails_stops_the_run_after_the_pages_before_it_checkpointed_in_order()
    {
        _streams.AddShard("s", null, closed: true, Sequences(1, 3500));
        _streams.FailOnce.Add("s|2000"); // the third page's read
        _processor.OnCall = async (_, _) =>
        {
            // Page 1 waits until the failed read happened: the failure must still wait for pages 1 and 2.
            if (_processor.Calls.Count == 1)
            {
                await WaitUntil(() => _streams.GetRecordsCalls >= 3);
            }
        };

        var error = await Assert.ThrowsAsync<OrderMonitoring.Aws.AwsServiceException>(() => Run(new StreamReaderOptions { PageSize = 1000, PagesAhead = 2 }));

        Assert.Equal("InternalServerError", error.ErrorCode);
        Assert.Equal(Sequences(1, 2000).Select(s => s.ToString()), _processor.Calls.SelectMany(call => call));
        Assert.Equal(new ShardCheckpoint("2000", Finished: false, FakeStreams.Arrival), _checkpoints.Saved["s"]);

        var rerun = new ScriptedProcessor();
        await new StreamEventProcessor(_streams, rerun, _checkpoints, new MemoryFailureQueue(), new StreamReaderOptions { PageSize = 1000 }, _time).RunAsync(Arn, _reporter, default);
        Assert.Equal(Sequences(2001, 3500).Select(s => s.ToString()), rerun.Calls.SelectMany(call => call)); // nothing done twice, nothing skipped
    }

    [Fact]
    public async Task Without_pages_ahead_each_page_is_requested_after_the_one_before_is_processed()
    {
        _streams.AddShard("s", null, closed: true, Sequences(1, 2500));
        var requestedWhenHandled = new List<int>();
        _processor.OnCall = (_, _) =>
        {
            requestedWhenHandled.Add(_streams.GetRecordsCalls);
            return Task.CompletedTask;
        };

        await Run(new StreamReaderOptions { PageSize = 1000, PagesAhead = 0 });

        Assert.Equal(new[] { 1, 2, 3 }, requestedWhenHandled);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < HangGuard, "the reader did not request the pages ahead while a page was processed");
            await Task.Delay(1);
        }
    }

    [Fact]
    public async Task Drains_independent_shards_at_once_and_a_child_only_after_its_parent()
    {
        _streams.AddShard("a", null, closed: false, 1, 2, 3);
        _streams.AddShard("b", null, closed: true, 10, 11);
        _streams.AddShard("b-child", "b", closed: false, 20, 21);
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new HashSet<string>();
        _processor.OnCall = async (sequences, _) =>
        {
            var shard = sequences[0].Length == 1 ? "a" : sequences[0].StartsWith('1') ? "b" : "b-child";
            lock (started)
            {
                Assert.False(shard == "b-child" && !_checkpoints.Saved.ContainsKey("b"), "the child started before its parent was done");
                started.Add(shard);
                if (started.Contains("a") && started.Contains("b"))
                {
                    bothStarted.TrySetResult();
                }
            }

            if (shard != "b-child")
            {
                // Read one after the other, neither shard's first batch could finish: each waits for the other to start.
                await bothStarted.Task.WaitAsync(HangGuard);
            }
        };

        var result = await Run(new StreamReaderOptions { ShardConcurrency = 4 });

        Assert.Equal(7, result.Records);
        Assert.True(_checkpoints.Saved["b"].Finished);
        Assert.Equal(new[] { "20", "21" }, _processor.Calls.Single(call => call[0] == "20"));
    }

    [Fact]
    public async Task A_throttled_read_backs_off_and_never_fails_the_run()
    {
        _streams.AddShard("s", null, closed: true, 1, 2, 3);
        _streams.ThrottlesLeft = 4;

        var result = await Run();

        Assert.Equal(3, result.Records);
        Assert.Equal(new[] { 250, 500, 1000, 2000 }, _time.Waits.Take(4).Select(wait => (int)wait.TotalMilliseconds));
        Assert.True(_checkpoints.Saved["s"].Finished);
    }

    [Fact]
    public async Task An_expired_iterator_is_renewed_after_the_last_record_handed_on()
    {
        _streams.AddShard("s", null, closed: true, Sequences(1, 30));
        _streams.ExpireOnce.Add("s|10"); // the iterator for the second page went stale (a laptop slept)

        var result = await Run(new StreamReaderOptions { PageSize = 10, BatchSize = 10 });

        Assert.Equal(30, result.Records);
        Assert.Equal(Sequences(1, 30).Select(s => s.ToString()), _processor.Calls.SelectMany(call => call)); // each record once
        Assert.Contains(_streams.IteratorRequests, r => r.ShardIteratorType == "AFTER_SEQUENCE_NUMBER" && r.SequenceNumber == "10");
        Assert.Contains(_reporter.Verbose, line => line.Contains("expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_checkpoint_the_stream_no_longer_holds_stops_the_run_naming_the_shard_and_the_span()
    {
        _streams.AddShard("s", null, closed: false, Sequences(1, 20));
        _streams.TrimmedBefore["s"] = 15;
        var lastDone = FakeStreams.Arrival.AddHours(-26);
        _checkpoints.Saved["s"] = new ShardCheckpoint("5", Finished: false, lastDone);

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Run());

        Assert.Equal(StreamGap.ErrorId, error.ErrorId);
        Assert.Contains("Shard s of t", error.Message, StringComparison.Ordinal);
        Assert.Contains("after sequence number 5", error.Message, StringComparison.Ordinal);
        Assert.Contains($"between {lastDone.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z and about {(_time.GetUtcNow() - StreamGap.Retention).UtcDateTime:yyyy-MM-dd HH:mm:ss}Z", error.Message, StringComparison.Ordinal);
        Assert.Contains("Test-OrderAuditLog -Since", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("-AcceptRecordLoss", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Empty(_processor.Calls);
        Assert.Equal("5", _checkpoints.Saved["s"].SequenceNumber); // never a quiet restart at the trim horizon
    }

    [Fact]
    public async Task With_AcceptRecordLoss_the_gap_is_an_error_and_the_shard_goes_on_from_the_oldest_record_held()
    {
        _streams.AddShard("s", null, closed: false, Sequences(1, 20));
        _streams.TrimmedBefore["s"] = 15;
        _checkpoints.Saved["s"] = new ShardCheckpoint("5", Finished: false, FakeStreams.Arrival);

        var result = await Run(new StreamReaderOptions { AcceptRecordLoss = true });

        var (error, target) = Assert.Single(_reporter.Failures);
        var gap = Assert.IsType<OrderMonitoringException>(error);
        Assert.Equal("s", target);
        Assert.Equal(StreamGap.ErrorId, gap.ErrorId);
        Assert.Equal(Sequences(15, 20).Select(s => s.ToString()), _processor.Calls.SelectMany(call => call));
        Assert.Equal(6, result.Records);
    }

    [Fact]
    public async Task A_shard_that_left_the_stream_with_records_unread_is_a_gap()
    {
        _streams.AddShard("s", null, closed: false, 1, 2);
        _checkpoints.Saved["gone"] = new ShardCheckpoint("7", Finished: false, FakeStreams.Arrival);

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Run());
        Assert.Contains("Shard gone", error.Message, StringComparison.Ordinal);

        var accepted = await Run(new StreamReaderOptions { AcceptRecordLoss = true });
        Assert.Single(_reporter.Failures);
        Assert.Equal(2, accepted.Records);
        Assert.True(_checkpoints.Saved["gone"].Finished); // reported once, not on every run
    }

    [Fact]
    public async Task Ctrl_C_during_a_catch_up_leaves_the_checkpoint_at_the_last_batch_done()
    {
        _streams.AddShard("s", null, closed: true, Sequences(1, 50));
        using var cancellation = new CancellationTokenSource();
        var calls = 0;
        _processor.OnCall = (_, token) =>
        {
            if (++calls == 3)
            {
                cancellation.Cancel(); // Ctrl+C while the third batch is in flight
                token.ThrowIfCancellationRequested();
            }

            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(new StreamReaderOptions { BatchSize = 10 }, cancellation.Token));

        Assert.Equal(new ShardCheckpoint("20", Finished: false, FakeStreams.Arrival), _checkpoints.Saved["s"]);
        var rerun = new ScriptedProcessor();
        await new StreamEventProcessor(_streams, rerun, _checkpoints, new MemoryFailureQueue(), new StreamReaderOptions { BatchSize = 10 }, _time)
            .RunAsync(Arn, _reporter, default);
        Assert.Equal(Sequences(21, 50).Select(s => s.ToString()), rerun.Calls.SelectMany(call => call)); // nothing done twice
    }

    private Task<OrderProcessorResult> Run(StreamReaderOptions? options = null, CancellationToken cancellationToken = default) =>
        new StreamEventProcessor(_streams, _processor, _checkpoints, new MemoryFailureQueue(), options, _time).RunAsync(Arn, _reporter, cancellationToken);

    private static long[] Sequences(int first, int last) => Enumerable.Range(first, last - first + 1).Select(i => (long)i).ToArray();
}
