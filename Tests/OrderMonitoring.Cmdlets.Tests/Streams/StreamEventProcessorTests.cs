using OrderMonitoring.TestSupport;
using OrderMonitoring.Cmdlets.FailedBatches;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Tests.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Streams;

public sealed class StreamEventProcessorTests
{
    private const string Arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1";
    // Polls and back-offs take no real time.
    private static TimeProvider NoDelay => new SteppingTime(DateTimeOffset.UnixEpoch);

    private static StreamEventProcessor Create(FakeStreams streams, ScriptedProcessor processor, MemoryCheckpoints checkpoints, MemoryFailureQueue? queue,
        StreamReaderOptions? options = null) =>
        new(streams, processor, checkpoints, queue, options ?? new StreamReaderOptions(), NoDelay);

    [Fact]
    public async Task Reads_every_shard_parents_first_in_batches_of_the_batch_size()
    {
        var streams = new FakeStreams();
        streams.AddShard("child", "parent", closed: false, 100, 101, 102);
        streams.AddShard("parent", null, closed: true, Enumerable.Range(1, 23).Select(i => (long)i).ToArray());
        streams.AddShard("other", null, closed: false, 200);
        var processor = new ScriptedProcessor();
        var checkpoints = new MemoryCheckpoints();

        var result = await Create(streams, processor, checkpoints, new MemoryFailureQueue(), new StreamReaderOptions { BatchSize = 10 })
            .RunAsync(Arn, NullOperationReporter.Instance, default);

        Assert.Equal(1, checkpoints.Claims);
        var order = processor.Calls.SelectMany(c => c).ToList();
        Assert.True(order.IndexOf("23") < order.IndexOf("100"), "the closed parent is read before its child");
        Assert.Equal(new[] { 10, 10, 3 }, processor.Calls.Where(c => c.All(s => long.Parse(s) < 100)).Select(c => c.Count));
        Assert.Equal(27, result.Records);
        Assert.Equal(3, result.Shards);
    }

    [Fact]
    public async Task Moves_the_progress_bar_per_batch_within_a_shard_and_names_the_table()
    {
        var streams = new FakeStreams();
        streams.AddShard("s", null, closed: true, Enumerable.Range(1, 35).Select(i => (long)i).ToArray());
        var reporter = new RecordingReporter();

        await Create(streams, new ScriptedProcessor(), new MemoryCheckpoints(), new MemoryFailureQueue(), new StreamReaderOptions { BatchSize = 10 })
            .RunAsync(Arn, reporter, default);

        var statuses = reporter.Progress.Where(p => !p.Completed).Select(p => p.Status).ToList();
        Assert.Equal(new[] { "10", "20", "30", "35" }, statuses.Select(s => s.Split(' ')[0]));
        Assert.All(statuses, status => Assert.Contains("/s)", status, StringComparison.Ordinal));
        Assert.All(statuses, status => Assert.Contains("behind the stream", status, StringComparison.Ordinal));
        Assert.All(reporter.Progress, p => Assert.Equal("Processing the stream of t", p.Activity));
        Assert.True(reporter.Progress.Last().Completed);
    }

    [Fact]
    public async Task Retries_from_the_first_failed_record_then_continues()
    {
        var streams = new FakeStreams();
        streams.AddShard("s", null, closed: true, 1, 2, 3, 4, 5);
        var processor = new ScriptedProcessor();
        processor.FailuresLeft["3"] = 1;
        var checkpoints = new MemoryCheckpoints();
        var queue = new MemoryFailureQueue();

        var result = await Create(streams, processor, checkpoints, queue).RunAsync(Arn, NullOperationReporter.Instance, default);

        Assert.Equal(new[] { "1", "2", "3", "4", "5" }, processor.Calls[0]);
        Assert.Equal(new[] { "3", "4", "5" }, processor.Calls[1]);
        Assert.Empty(queue.Sent);
        Assert.Equal(0, result.Failed);
        Assert.Equal(new ShardCheckpoint("5", Finished: true, FakeStreams.Arrival), checkpoints.Saved["s"]);
    }

    [Fact]
    public async Task Sends_the_failed_range_to_the_failure_queue_after_the_retries()
    {
        var streams = new FakeStreams();
        streams.AddShard("s", null, closed: false, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        var processor = new ScriptedProcessor();
        processor.FailuresLeft["4"] = 100;
        var checkpoints = new MemoryCheckpoints();
        var queue = new MemoryFailureQueue();
        var reporter = new RecordingReporter();

        var result = await Create(streams, processor, checkpoints, queue, new StreamReaderOptions { MaxRetries = 2, BatchSize = 10 }).RunAsync(Arn, reporter, default);

        Assert.Equal(4, processor.Calls.Count); // first try + 2 retries of batch 1, then batch 2
        var range = Assert.Single(queue.Sent);
        Assert.Equal(("4", "10", 7, "s"), (range.StartSequenceNumber, range.EndSequenceNumber, range.BatchSize, range.ShardId));
        Assert.Equal(7, result.SentToFailureQueue);
        Assert.Equal(7, result.Failed);
        Assert.Equal("12", checkpoints.Saved["s"].SequenceNumber);
        Assert.Contains(reporter.Warnings, w => w.Contains("-FailedBatches"));
        Assert.Equal(["4", "5", "6", "7", "8", "9", "10"], range.Records!.Select(r => r.Dynamodb!.SequenceNumber));
        Assert.Contains("\"condition\":\"RetryAttemptsExhausted\"", FailureRecord.ToJson(range, records: null, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task Stops_without_checkpointing_past_failures_when_there_is_no_failure_queue()
    {
        var streams = new FakeStreams();
        streams.AddShard("s", null, closed: false, 1, 2, 3);
        var processor = new ScriptedProcessor();
        processor.FailuresLeft["2"] = 100;
        var checkpoints = new MemoryCheckpoints();

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() =>
            Create(streams, processor, checkpoints, queue: null).RunAsync(Arn, NullOperationReporter.Instance, default));

        Assert.Equal("FailureQueueMissing", error.ErrorId);
        Assert.Equal("1", checkpoints.Saved["s"].SequenceNumber);
    }

    [Fact]
    public async Task Continues_after_the_checkpoint_and_skips_finished_shards()
    {
        var streams = new FakeStreams();
        streams.AddShard("done", null, closed: true, 1, 2);
        streams.AddShard("open", "done", closed: false, 10, 11, 12);
        var checkpoints = new MemoryCheckpoints();
        checkpoints.Saved["done"] = new ShardCheckpoint("2", Finished: true);
        checkpoints.Saved["open"] = new ShardCheckpoint("11", Finished: false);
        var processor = new ScriptedProcessor();

        var result = await Create(streams, processor, checkpoints, new MemoryFailureQueue()).RunAsync(Arn, NullOperationReporter.Instance, default);

        Assert.Equal(new[] { "12" }, Assert.Single(processor.Calls));
        Assert.Equal(1, result.Records);
        var request = Assert.Single(streams.IteratorRequests);
        Assert.Equal(("open", "AFTER_SEQUENCE_NUMBER", "11"), (request.ShardId, request.ShardIteratorType, request.SequenceNumber));
    }

    [Fact]
    public async Task TrimHorizon_ignores_checkpoints_and_Latest_reads_nothing_old()
    {
        var streams = new FakeStreams();
        streams.AddShard("s", null, closed: false, 1, 2);
        var checkpoints = new MemoryCheckpoints();
        checkpoints.Saved["s"] = new ShardCheckpoint("2", Finished: false);

        var all = await Create(streams, new ScriptedProcessor(), checkpoints, null, new StreamReaderOptions { StartingPosition = StreamStartingPosition.TrimHorizon })
            .RunAsync(Arn, NullOperationReporter.Instance, default);
        var latest = await Create(streams, new ScriptedProcessor(), new MemoryCheckpoints(), null, new StreamReaderOptions { StartingPosition = StreamStartingPosition.Latest })
            .RunAsync(Arn, NullOperationReporter.Instance, default);

        Assert.Equal(2, all.Records);
        Assert.Equal(0, latest.Records);
    }

    [Fact]
    public async Task Follow_polls_until_cancelled()
    {
        var streams = new FakeStreams();
        streams.AddShard("s", null, closed: false, 1);
        using var cancellation = new CancellationTokenSource();
        var polls = 0;
        var time = new SteppingTime(DateTimeOffset.UnixEpoch)
        {
            Stepped = () =>
            {
                if (++polls == 3)
                {
                    cancellation.Cancel();
                }
            },
        };
        var processor = new StreamEventProcessor(streams, new ScriptedProcessor(), new MemoryCheckpoints(), null,
            new StreamReaderOptions { Follow = true }, time);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => processor.RunAsync(Arn, NullOperationReporter.Instance, cancellation.Token));
        Assert.Equal(3, polls);
    }

    [Fact]
    public async Task A_stopped_run_says_what_it_processed_and_where_each_shard_is_checkpointed()
    {
        var streams = new FakeStreams();
        streams.AddShard("s", null, closed: false, 1, 2, 3);
        using var cancellation = new CancellationTokenSource();
        var time = new SteppingTime(DateTimeOffset.UnixEpoch) { Stepped = cancellation.Cancel };
        var processor = new StreamEventProcessor(streams, new ScriptedProcessor(), new MemoryCheckpoints(), null,
            new StreamReaderOptions { Follow = true }, time);

        var stopped = await Assert.ThrowsAsync<OperationStoppedException>(() => processor.RunAsync(Arn, NullOperationReporter.Instance, cancellation.Token));

        Assert.StartsWith("Stopped: 3 record(s) processed (3 audited, ", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("(s: after sequence number 3)", stopped.Message, StringComparison.Ordinal);
        Assert.EndsWith("run Invoke-OrderEventProcessor -FromStream again to continue from there.", stopped.Message, StringComparison.Ordinal);
    }
}

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "om-checkpoints-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Survives_a_new_store_and_keeps_streams_apart()
    {
        new FileCheckpointStore(_directory).Save("arn:a", "shard-1", new ShardCheckpoint("42", Finished: false));
        new FileCheckpointStore(_directory).Save("arn:b", "shard-1", new ShardCheckpoint("7", Finished: true));

        var reopened = new FileCheckpointStore(_directory);
        Assert.Equal(new ShardCheckpoint("42", false), reopened.Get("arn:a", "shard-1"));
        Assert.Equal(new ShardCheckpoint("7", true), reopened.Get("arn:b", "shard-1"));
        Assert.Null(reopened.Get("arn:a", "shard-2"));
    }

    [Fact]
    public void A_second_claim_on_a_stream_is_refused_until_the_first_is_released()
    {
        var first = new FileCheckpointStore(_directory).Claim("arn:a");
        var refused = Assert.Throws<OrderMonitoringException>(() => new FileCheckpointStore(_directory).Claim("arn:a"));
        using (new FileCheckpointStore(_directory).Claim("arn:b"))
        {
            // another stream is another claim
        }

        first.Dispose();
        using var again = new FileCheckpointStore(_directory).Claim("arn:a");

        Assert.Equal(CheckpointClaim.InUseErrorId, refused.ErrorId);
        Assert.Contains("arn:a", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_directory, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_save_leaves_no_temporary_file_behind()
    {
        var store = new FileCheckpointStore(_directory);
        store.Save("arn:a", "shard-1", new ShardCheckpoint("1", Finished: false));
        store.Save("arn:a", "shard-1", new ShardCheckpoint("2", Finished: false));

        Assert.Equal([Path.GetFileName(store.FileFor("arn:a"))], Directory.GetFiles(_directory).Select(Path.GetFileName));
        Assert.Equal(new ShardCheckpoint("2", false), new FileCheckpointStore(_directory).Get("arn:a", "shard-1"));
    }

    [Fact]
    public void The_folder_follows_the_environment_variable()
    {
        var saved = Environment.GetEnvironmentVariable(FileCheckpointStore.DirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(FileCheckpointStore.DirectoryVariable, _directory);
            Assert.Equal(_directory, new FileCheckpointStore().Directory);
            Environment.SetEnvironmentVariable(FileCheckpointStore.DirectoryVariable, null);
            Assert.EndsWith(Path.Combine("OrderMonitoring", "checkpoints"), new FileCheckpointStore().Directory);
        }
        finally
        {
            Environment.SetEnvironmentVariable(FileCheckpointStore.DirectoryVariable, saved);
        }
    }
}
