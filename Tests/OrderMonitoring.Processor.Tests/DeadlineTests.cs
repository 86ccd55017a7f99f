using OrderMonitoring.Processor.Observability;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Lambda;
using OrderMonitoring.Processor.Storage;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>The processor ends a batch before its deadline, whatever its store does, and always reports it.</summary>
public sealed class DeadlineTests
{
    // Only a liveness guard (the test must not hang when the deadline is broken), never a speed assertion.
    private static readonly TimeSpan Hung = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_store_that_never_answers_makes_HandleAsync_return_with_every_record_for_retry_and_a_metrics_line()
    {
        var lines = new ConcurrentQueue<string>();
        var store = new SilentStore();
        var processor = new OrderPipeline(store, new MemoryAlertPublisher(), new BatchProcessorOptions
        {
            Environment = "test", MaxConcurrency = 1, RetryAttempts = 1, RetryBaseDelay = TimeSpan.Zero, LogSink = new JsonLogger(lines.Enqueue),
            // 3 s of work after a 1 s reserve: the first record's first attempt times out (2.5 s), its retry is cut by the
            // hard stop, and the remaining records are never started.
            Deadline = TimeSpan.FromSeconds(4), AttemptTimeout = TimeSpan.FromSeconds(2.5),
        });
        var records = Enumerable.Range(1, 4).Select(i => Events.Insert($"ORD-DEADLINE-{i}")).ToList();

        var handling = processor.Function().HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(Events.EventJson(records))));
        Assert.Same(handling, await Task.WhenAny(handling, Task.Delay(Hung)));

        using var response = await JsonDocument.ParseAsync(await handling);
        var failed = response.RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()).ToList();
        Assert.Equal(records.Select(r => r.Dynamodb!.SequenceNumber), failed);
        Assert.Equal(2, store.Calls);
        var metrics = Assert.Single(lines, line => line.Contains("\"_aws\"", StringComparison.Ordinal));
        Assert.Equal(4, JsonDocument.Parse(metrics).RootElement.GetProperty("RecordsFailed").GetInt32());
        Assert.Contains(lines, line => line.Contains("Deadline near", StringComparison.Ordinal) && line.Contains("\"notStarted\":3", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("Batch processed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried_and_the_record_then_succeeds()
    {
        var store = new MemoryAuditStore();
        var slowOnce = new FirstCallSilentStore(store);
        var processor = new OrderPipeline(slowOnce, new MemoryAlertPublisher(), new BatchProcessorOptions
        {
            Environment = "test", RetryAttempts = 1, RetryBaseDelay = TimeSpan.Zero, LogSink = new JsonLogger(_ => { }), AttemptTimeout = TimeSpan.FromMilliseconds(200),
        });

        var result = await processor.ProcessAsync([Events.Insert("ORD-SLOW-ONCE")]);

        Assert.Empty(result.BatchItemFailures);
        Assert.Single(store.Objects);
    }

    [Fact]
    public async Task A_caller_that_cancels_still_gets_the_batch_log_and_metrics_line()
    {
        var lines = new ConcurrentQueue<string>();
        var processor = new OrderPipeline(new SilentStore(honourCancellation: true), new MemoryAlertPublisher(),
            new BatchProcessorOptions { Environment = "test", LogSink = new JsonLogger(lines.Enqueue), AttemptTimeout = TimeSpan.FromMinutes(5) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => processor.ProcessAsync([Events.Insert("ORD-CANCELLED")], cancel.Token));

        Assert.Contains(lines, line => line.Contains("\"_aws\"", StringComparison.Ordinal));
    }

    [Fact]
    public void The_function_timeout_comes_from_FUNCTION_TIMEOUT_SECONDS_and_bounds_the_batch_and_each_attempt()
    {
        var variables = new Dictionary<string, string?>
        {
            ["AUDIT_BUCKET_NAME"] = "audit-bucket", ["SNS_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:alerts", ["FUNCTION_TIMEOUT_SECONDS"] = "60",
        };
        var options = FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name)).ToProcessorOptions();
        Assert.Equal((TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10)), (options.Deadline, options.AttemptTimeout));

        variables["FUNCTION_TIMEOUT_SECONDS"] = "12";
        var shortOne = FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name));
        Assert.Equal(TimeSpan.FromSeconds(4), shortOne.ToProcessorOptions().AttemptTimeout);
        Assert.True(shortOne.ToClientRetryOptions().TotalTimeout <= TimeSpan.FromSeconds(4));

        foreach (var bad in new[] { "0", "901", "60s", "-5" })
        {
            variables["FUNCTION_TIMEOUT_SECONDS"] = bad;
            var error = Assert.Throws<InvalidOperationException>(() => FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name)));
            Assert.Contains("FUNCTION_TIMEOUT_SECONDS", error.Message, StringComparison.Ordinal);
        }

        variables["FUNCTION_TIMEOUT_SECONDS"] = null;
        Assert.Null(FunctionSettings.FromEnvironment(name => variables.GetValueOrDefault(name)).ToProcessorOptions().Deadline);
    }

    [Theory]
    [InlineData(60, 3)]
    [InlineData(20, 2)]
    [InlineData(4, 1)]
    public void The_reserve_for_the_report_is_a_tenth_of_the_budget_between_one_and_three_seconds(int budgetSeconds, int reserveSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(reserveSeconds), RunDeadline.ReserveFor(TimeSpan.FromSeconds(budgetSeconds)));

    /// <summary>A store whose calls never complete; unless told otherwise it ignores cancellation too, like a hung connection.</summary>
    private sealed class SilentStore(bool honourCancellation = false) : IAuditStore
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task PutAsync(string key, string json, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return honourCancellation ? Task.Delay(Timeout.Infinite, cancellationToken) : new TaskCompletionSource<bool>().Task;
        }
    }

    /// <summary>Never answers the first call; passes later ones on.</summary>
    private sealed class FirstCallSilentStore(IAuditStore inner) : IAuditStore
    {
        private int _calls;

        public Task PutAsync(string key, string json, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == 1 ? new TaskCompletionSource<bool>().Task : inner.PutAsync(key, json, cancellationToken);
    }
}
