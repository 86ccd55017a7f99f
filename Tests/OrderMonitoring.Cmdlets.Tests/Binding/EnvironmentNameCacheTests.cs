using Amazon;
using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Cmdlets.Tests.Binding;

/// <summary>The completion cache: one lookup per connection within its lifetime, never a long wait, never an error.</summary>
public sealed class EnvironmentNameCacheTests
{
    private static readonly AwsConnection Moto = new(RegionEndpoint.USEast1, new BasicAWSCredentials("test", "test"), new Uri("http://127.0.0.1:1"));

    private static IReadOnlyList<KnownStack> Stacks(params string[] environments) =>
        environments.Select(env => new KnownStack(env, $"order-monitoring-{env}", "CREATE_COMPLETE")).ToList();

    [Fact]
    public void Second_lookup_within_the_lifetime_is_served_from_the_cache()
    {
        var calls = 0;
        var cache = new EnvironmentNameCache((_, _) => { calls++; return Task.FromResult(Stacks("dev", "prod")); });

        Assert.Equal(["dev", "prod"], cache.Get(Moto, "a").Select(s => s.Environment));
        Assert.Equal(["dev", "prod"], cache.Get(Moto, "a").Select(s => s.Environment));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Another_identity_or_an_expired_entry_looks_up_again()
    {
        var clock = new SteppingTime(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var calls = 0;
        var cache = new EnvironmentNameCache((_, _) => { calls++; return Task.FromResult(Stacks("dev")); }, clock);

        cache.Get(Moto, "a");
        cache.Get(Moto, "b");
        Assert.Equal(2, calls);

        clock.Advance(EnvironmentNameCache.TimeToLive + TimeSpan.FromSeconds(1));
        cache.Get(Moto, "a");
        await cache.FetchOf(Moto, "a")!;
        Assert.Equal(3, calls);
    }

    [Fact]
    public void A_failing_lookup_offers_nothing_and_is_retried_next_time()
    {
        var calls = 0;
        var cache = new EnvironmentNameCache((_, _) =>
        {
            calls++;
            return calls == 1
                ? Task.FromException<IReadOnlyList<KnownStack>>(new HttpRequestException("connection refused"))
                : Task.FromResult(Stacks("dev"));
        });

        Assert.Empty(cache.Get(Moto, "a"));
        Assert.Equal(["dev"], cache.Get(Moto, "a").Select(s => s.Environment));
    }

    [Fact]
    public async Task A_slow_lookup_returns_nothing_within_the_budget_then_serves_the_answer_from_the_cache()
    {
        var answer = new TaskCompletionSource<IReadOnlyList<KnownStack>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var cache = new EnvironmentNameCache((_, _) => { calls++; return answer.Task; });

        Assert.Empty(cache.Get(Moto, "a"));
        answer.SetResult(Stacks("prod"));
        await cache.FetchOf(Moto, "a")!;

        Assert.Equal(["prod"], cache.Get(Moto, "a").Select(s => s.Environment));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task An_expired_entry_offers_its_names_while_the_refresh_runs_then_the_new_ones()
    {
        var clock = new SteppingTime(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var refresh = new TaskCompletionSource<IReadOnlyList<KnownStack>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var cache = new EnvironmentNameCache((_, _) => ++calls == 1 ? Task.FromResult(Stacks("dev")) : refresh.Task, clock);
        Assert.Equal(["dev"], cache.Get(Moto, "a").Select(s => s.Environment));

        clock.Advance(EnvironmentNameCache.TimeToLive + TimeSpan.FromSeconds(1));
        Assert.Equal(["dev"], cache.Get(Moto, "a").Select(s => s.Environment));
        refresh.SetResult(Stacks("dev", "prod"));
        await cache.FetchOf(Moto, "a")!;

        Assert.Equal(["dev", "prod"], cache.Get(Moto, "a").Select(s => s.Environment));
        Assert.Equal(2, calls);
    }
}
