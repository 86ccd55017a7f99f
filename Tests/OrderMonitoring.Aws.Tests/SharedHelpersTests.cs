using System.Net;
using Amazon.Runtime;

namespace OrderMonitoring.Aws.Tests;

/// <summary>The helpers the Aws, Processor and Cmdlets assemblies share: paging, bounded concurrency, transient errors, SHA-256.</summary>
public sealed class SharedHelpersTests
{
    private sealed record Page(int[] Items, string? Next);

    private sealed record ListPage(List<int> Items, string? Next);

    [Fact]
    public async Task Paging_follows_every_token_and_stops_at_an_empty_or_missing_one()
    {
        var pages = new Dictionary<string, Page>
        {
            ["first"] = new([1, 2], "p2"),
            ["p2"] = new([3], "p3"),
            ["p3"] = new([], ""),
        };
        var asked = new List<string?>();

        var all = await Paging.ReadAllAsync((token, _) =>
        {
            asked.Add(token);
            return Task.FromResult(pages[token ?? "first"]);
        }, page => page.Next, page => page.Items, CancellationToken.None);

        Assert.Equal([1, 2, 3], all);
        Assert.Equal([null, "p2", "p3"], asked);
    }

    private sealed record Marker(string Key, string? Version);

    private sealed record MarkedPage(int[] Items, Marker? Next);

    [Fact]
    public async Task Paging_carries_a_typed_token_of_several_values_back_as_it_was_given()
    {
        var pages = new Dictionary<string, MarkedPage>
        {
            ["first"] = new([1], new Marker("k1", "v1")),
            ["k1/v1"] = new([2], new Marker("k2", null)),
            ["k2/"] = new([3], null),
        };
        var asked = new List<Marker?>();

        var all = await Paging.ReadAllAsync((Marker? marker, CancellationToken _) =>
        {
            asked.Add(marker);
            return Task.FromResult(pages[marker is null ? "first" : $"{marker.Key}/{marker.Version}"]);
        }, page => page.Next, page => page.Items, CancellationToken.None);

        Assert.Equal([1, 2, 3], all);
        Assert.Equal([null, new Marker("k1", "v1"), new Marker("k2", null)], asked);
    }

    [Fact]
    public async Task MergeAll_keeps_the_first_page_and_appends_the_later_items()
    {
        var pages = new Dictionary<string, ListPage> { ["first"] = new([1], "p2"), ["p2"] = new([2, 3], null) };

        var merged = await Paging.MergeAllAsync((token, _) => Task.FromResult(pages[token ?? "first"]), page => page.Next, page => page.Items,
            CancellationToken.None);

        Assert.Equal([1, 2, 3], merged.Items);
        Assert.Equal("p2", merged.Next); // the caller clears the first page's token
    }

    [Fact]
    public async Task BoundedConcurrency_never_runs_more_than_the_limit_and_keeps_results_in_input_order()
    {
        var running = 0;
        var peak = 0;
        var items = Enumerable.Range(0, 40).ToList();
        // The first items wait until four run at once: a loop that ran fewer at a time (or one by one) never opens the
        // gate and fails on the guard below instead of passing; one that ran more would show a peak above four.
        var allFourRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var results = await BoundedConcurrency.MapAsync(items, 4, async item =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            if (now == 4)
            {
                allFourRunning.TrySetResult();
            }

            // A guard against hanging, not a speed check: four concurrent starts take microseconds.
            await allFourRunning.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Task.Yield();
            Interlocked.Decrement(ref running);
            return item * 10;
        }, CancellationToken.None);

        Assert.Equal(items.Select(item => item * 10), results);
        Assert.Equal(4, peak);
    }

    [Fact]
    public async Task BoundedConcurrency_starts_nothing_more_after_cancellation_and_refuses_a_limit_below_one()
    {
        using var cancel = new CancellationTokenSource();
        var started = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BoundedConcurrency.ForEachAsync(Enumerable.Range(0, 10).ToList(), 1, (_, _) =>
        {
            started++;
            cancel.Cancel();
            return Task.CompletedTask;
        }, cancel.Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => BoundedConcurrency.ForEachAsync(new[] { 1 }, 0, (_, _) => Task.CompletedTask, CancellationToken.None));

        Assert.Equal(1, started);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "Throttling", true, true)]
    [InlineData(HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException", true, true)]
    [InlineData(HttpStatusCode.BadRequest, "SomeNewThrottlingCode", true, true)]
    [InlineData((HttpStatusCode)429, "", true, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", false, true)]
    [InlineData(HttpStatusCode.BadRequest, "RequestTimeout", false, true)]
    [InlineData(HttpStatusCode.NotImplemented, "", false, false)]
    [InlineData(HttpStatusCode.BadRequest, "ValidationError", false, false)]
    [InlineData(HttpStatusCode.Forbidden, "AccessDenied", false, false)]
    public void TransientErrors_tells_throttling_and_transient_answers_apart(HttpStatusCode status, string code, bool throttling, bool transient)
    {
        Assert.Equal(throttling, TransientErrors.IsThrottling(status, code));
        Assert.Equal(transient, TransientErrors.IsTransient(status, code));
    }

    [Fact]
    public void TransientErrors_retries_what_may_pass_and_never_the_callers_own_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.True(TransientErrors.IsWorthRetrying(new TaskCanceledException("HttpClient timeout"), CancellationToken.None));
        Assert.False(TransientErrors.IsWorthRetrying(new OperationCanceledException(), cancelled.Token));
        Assert.True(TransientErrors.IsWorthRetrying(new AmazonServiceException("no answer") { StatusCode = 0 }, CancellationToken.None));
        Assert.False(TransientErrors.IsWorthRetrying(new AmazonServiceException("bad") { StatusCode = HttpStatusCode.BadRequest, ErrorCode = "InvalidParameter" },
            CancellationToken.None));
        Assert.True(TransientErrors.IsWorthRetrying(new AmazonServiceException("slow") { StatusCode = HttpStatusCode.ServiceUnavailable }, CancellationToken.None));
        Assert.True(TransientErrors.IsWorthRetrying(new IOException("reset"), CancellationToken.None));
        Assert.True(TransientErrors.IsWorthRetrying(new HttpRequestException("connection refused"), CancellationToken.None));
        Assert.True(TransientErrors.IsWorthRetrying(new TimeoutException("attempt timed out"), CancellationToken.None));
        // A defect fails the same way every time: retrying it only delays the failure.
        Assert.False(TransientErrors.IsWorthRetrying(new NullReferenceException(), CancellationToken.None));
        Assert.False(TransientErrors.IsWorthRetrying(new ArgumentException("bad"), CancellationToken.None));
    }

    [Fact]
    public void Sha256Hex_is_the_lower_case_digest_of_bytes_streams_and_text()
    {
        const string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; // FIPS 180-2, "abc"

        Assert.Equal(abc, Sha256Hex.OfUtf8("abc"));
        Assert.Equal(abc, Sha256Hex.Of(new byte[] { 0x61, 0x62, 0x63 }));
        using var stream = new MemoryStream(new byte[] { 0x61, 0x62, 0x63 });
        Assert.Equal(abc, Sha256Hex.Of(stream));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
