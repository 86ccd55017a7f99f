using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Cmdlets.Tests.Streams;

/// <summary>Batches of one shard in flight at once: one order's records in stream order, the checkpoint exact, a failure still first.</summary>
public sealed class BatchesInFlightTests
{
    private const string Arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1";
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly SteppingTime _time = new(DateTimeOffset.FromUnixTimeSeconds(1767225600).AddHours(30));
    private readonly FakeStreams _streams = new();
    private readonly ProbeProcessor _processor = new();
    private readonly MemoryCheckpoints _checkpoints = new();

    [Fact]
    public async Task The_next_batch_starts_while_one_before_is_slow_and_an_order_never_overtakes_its_earlier_records()
    {
        _streams.AddShard("s", null, closed: true, Sequences(1, 40));
        // Three records per order, so orders span batches (record 10 is in the first batch, 11 and 12 in the second).
        _processor.Orders = sequence => "ORD-" + ((sequence - 1) / 3);
        // The first batch stays busy until the second and third have started (record 23's order lies in the third alone).
        _processor.Gate = async (call, token) =>
        {
            if (call.Contains(1))
            {
                await WaitUntil(() => _processor.Started(23), token);
            }
        };

        var result = await Run(new StreamReaderOptions { BatchSize = 10, BatchesInFlight = 3 });

        Assert.Equal(40, result.Records);
        _processor.AssertEveryOrderInStreamOrder();
        // Records 11 and 12 (the order of record 10) waited for the first batch; 13 to 20 did not (the batches overlapped).
        Assert.True(_processor.StartedBeforeEnded(13, 1));
        Assert.False(_processor.StartedBeforeEnded(11, 10));
        Assert.Equal(Sequences(1, 40), _processor.Handled.Order());
        Assert.Equal(new ShardCheckpoint("40", Finished: true, FakeStreams.Arrival), _checkpoints.Saved["s"]);
    }

    [Fact]
    public async Task The_checkpoint_passes_no_batch_before_every_earlier_one_is_done_and_Ctrl_C_leaves_it_exact()
    {
        _streams.AddShard("s", null, closed: true, Sequences(1, 50));
        using var cancellation = new CancellationTokenSource();
        var checkpointWhileSecondBusy = new List<string?>();
        _processor.Gate = async (call, token) =>
        {
            if (call.Contains(11))
            {
                // The second batch hangs; the third and fourth finish meanwhile, then Ctrl+C.
                await WaitUntil(() => _processor.Ended(40), token);
                checkpointWhileSecondBusy.Add(_checkpoints.Get(Arn, "s")?.SequenceNumber);
                cancellation.Cancel();
                token.ThrowIfCancellationRequested();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(new StreamReaderOptions { BatchSize = 10, BatchesInFlight = 3 }, cancellation.Token));

        Assert.Equal(["10"], checkpointWhileSecondBusy); // batches 3 and 4 were done, but batch 2 was not
        Assert.Equal(new ShardCheckpoint("10", Finished: false, FakeStreams.Arrival), _checkpoints.Saved["s"]);
        Assert.DoesNotContain(41L, _processor.Handled); // never more than three batches in flight
        var rerun = new ProbeProcessor();
        await new StreamEventProcessor(_streams, rerun, _checkpoints, new MemoryFailureQueue(), new StreamReaderOptions { BatchSize = 10 }, _time)
            .RunAsync(Arn, NullOperationReporter.Instance, default);
        Assert.Equal(Sequences(11, 50), rerun.Handled.Order()); // only the batches in flight are done twice
    }

    [Fact]
    public async Task A_failure_in_an_earlier_batch_holds_its_order_back_in_the_later_batch_until_its_retries_and_the_failed_batch_are_done()
    {
        _streams.AddShard("s", null, closed: true, Sequences(1, 30));
        _processor.Orders = sequence => "ORD-" + ((sequence - 1) / 3); // records 19, 20 and 21 are one order
        _processor.FailuresLeft[15] = 100;
        var queue = new MemoryFailureQueue();
        var sentWhen21Started = -1;
        _processor.Gate = (call, _) =>
        {
            if (call.Contains(21))
            {
                sentWhen21Started = queue.Sent.Count;
            }

            return Task.CompletedTask;
        };

        var result = await new StreamEventProcessor(_streams, _processor, _checkpoints, queue,
            new StreamReaderOptions { BatchSize = 10, BatchesInFlight = 3, MaxRetries = 2 }, _time).RunAsync(Arn, NullOperationReporter.Instance, default);

        var range = Assert.Single(queue.Sent);
        Assert.Equal(("15", "20"), (range.StartSequenceNumber, range.EndSequenceNumber));
        Assert.Equal(1, sentWhen21Started); // record 21 waited until 19 and 20 were kept as a failed batch
        Assert.Equal(6, result.SentToFailureQueue);
        Assert.Equal(new ShardCheckpoint("30", Finished: true, FakeStreams.Arrival), _checkpoints.Saved["s"]);
    }

    [Fact]
    public async Task A_failed_earlier_batch_stops_the_run_and_a_later_batch_done_meanwhile_does_not_move_the_checkpoint()
    {
        _streams.AddShard("s", null, closed: false, Sequences(1, 30));
        _processor.FailuresLeft[15] = 100;
        _processor.Gate = async (call, token) =>
        {
            if (call.Contains(15))
            {
                await WaitUntil(() => _processor.Ended(30), token); // the third batch is done before the second fails
            }
        };

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() =>
            new StreamEventProcessor(_streams, _processor, _checkpoints, failureQueue: null,
                new StreamReaderOptions { BatchSize = 10, BatchesInFlight = 3, MaxRetries = 0 }, _time).RunAsync(Arn, NullOperationReporter.Instance, default));

        Assert.Equal("FailureQueueMissing", error.ErrorId);
        Assert.Equal("14", _checkpoints.Saved["s"].SequenceNumber); // before the failed record, never past it
    }

    private static async Task WaitUntil(Func<bool> condition, CancellationToken token)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > HangGuard)
            {
                throw new TimeoutException("The condition never came true.");
            }

            await Task.Delay(5, token);
        }
    }

    private Task<OrderProcessorResult> Run(StreamReaderOptions options, CancellationToken cancellationToken = default) =>
        new StreamEventProcessor(_streams, _processor, _checkpoints, new MemoryFailureQueue(), options, _time).RunAsync(Arn, NullOperationReporter.Instance, cancellationToken);

    private static long[] Sequences(int first, int last) => Enumerable.Range(first, last - first + 1).Select(i => (long)i).ToArray();

    /// <summary>
    /// A processor that logs when each call starts and ends, fails chosen records (and the rest of their call) a chosen
    /// number of times, and lets a test hold a call.
    /// </summary>
    private sealed class ProbeProcessor : IRecordProcessor
    {
        private readonly object _gate = new();
        private readonly List<(bool Start, long[] Records)> _events = new();
        private readonly List<long> _handled = new();

        public Func<long, string?>? Orders { get; set; }

        public Dictionary<long, int> FailuresLeft { get; } = new();

        public Func<long[], CancellationToken, Task>? Gate { get; set; }

        /// <summary>Every record that ended its call done (not failed).</summary>
        public List<long> Handled { get { lock (_gate) { return _handled.ToList(); } } }

        public string? OrderOf(StreamRecord record) => Orders?.Invoke(SequenceOf(record));

        public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken)
        {
            var call = records.Select(SequenceOf).ToArray();
            lock (_gate)
            {
                _events.Add((true, call));
            }

            if (Gate is { } gate)
            {
                await gate(call, cancellationToken);
            }

            int failedAt;
            lock (_gate)
            {
                failedAt = Array.FindIndex(call, s => FailuresLeft.TryGetValue(s, out var left) && left > 0);
                if (failedAt >= 0)
                {
                    FailuresLeft[call[failedAt]]--;
                }

                var done = failedAt < 0 ? call : call.Take(failedAt).ToArray();
                _handled.AddRange(done);
                _events.Add((false, done));
            }

            var failures = failedAt < 0 ? [] : call.Skip(failedAt).Select(s => new BatchItemFailure(s.ToString(System.Globalization.CultureInfo.InvariantCulture), null)).ToList();
            return new BatchResult { Records = call.Length, Audited = call.Length - failures.Count, Failed = failures.Count, BatchItemFailures = failures };
        }

        public bool Started(long record) { lock (_gate) { return _events.Exists(e => e.Start && e.Records.Contains(record)); } }

        public bool Ended(long record) { lock (_gate) { return _events.Exists(e => !e.Start && e.Records.Contains(record)); } }

        /// <summary>True when the call with <paramref name="later"/> started before <paramref name="earlier"/> ended.</summary>
        public bool StartedBeforeEnded(long later, long earlier)
        {
            lock (_gate)
            {
                var start = _events.FindIndex(e => e.Start && e.Records.Contains(later));
                var end = _events.FindIndex(e => !e.Start && e.Records.Contains(earlier));
                return start >= 0 && (end < 0 || start < end);
            }
        }

        /// <summary>Every record's call started only after every earlier record of its order ended.</summary>
        public void AssertEveryOrderInStreamOrder()
        {
            lock (_gate)
            {
                var ended = new HashSet<long>();
                foreach (var (start, records) in _events)
                {
                    if (!start)
                    {
                        ended.UnionWith(records);
                        continue;
                    }

                    foreach (var record in records)
                    {
                        var order = Orders!(record);
                        var earlier = Enumerable.Range(1, (int)record - 1).Select(i => (long)i).Where(i => Orders(i) == order && !records.Contains(i));
                        Assert.All(earlier, e => Assert.True(ended.Contains(e), $"Record {record} started before {e} of its order ended."));
                    }
                }
            }
        }

        private static long SequenceOf(StreamRecord record) => long.Parse(record.Dynamodb!.SequenceNumber!, System.Globalization.CultureInfo.InvariantCulture);
    }
}
