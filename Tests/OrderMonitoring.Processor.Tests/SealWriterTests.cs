using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Tests.Fakes;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Processor.Tests;

/// <summary>Writing a seal: which heads it names, which seal it links, its schedule, its signature, and a second sealer in the same second.</summary>
public sealed class SealWriterTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 8, 0, 5, TimeSpan.Zero);
    private readonly MemorySealStore _store = new();
    private readonly EcdsaSigner _signer = new();
    private readonly List<string> _lines = [];

    public void Dispose() => _signer.Dispose();

    private SealWriter Writer(IDigestSigner? signer = null, int intervalMinutes = 60) =>
        new(_store, signer ?? _signer, "no digest signing key is configured", new SealInterval(TimeSpan.FromMinutes(intervalMinutes)),
            new ProcessorLog(new JsonLogger(line => { lock (_lines) { _lines.Add(line); } }), ProcessorLogLevel.Info),
            new BatchProcessorOptions { Environment = "test", Time = new SteppingTime(Now) });

    /// <summary>A digest of <paramref name="chain"/> at <paramref name="position"/>, written <paramref name="daysAgo"/> days before now; its key.</summary>
    private string Digest(string chain, long position, int daysAgo, string? text = null)
    {
        var key = AuditKey.ForDigest(chain, position, Now.AddDays(-daysAgo));
        _store.Put(key, text ?? $"{{\"chain\":\"{chain}\",\"position\":{position}}}");
        return key;
    }

    private string Seal(DateTimeOffset sealedAt, string text = "{\"seal\":true}")
    {
        var key = AuditKey.ForSeal(sealedAt);
        _store.Put(key, text);
        return key;
    }

    private SealDocument Stored(SealOutcome outcome) => SealDocument.Parse(Encoding.UTF8.GetString(_store.Objects[outcome.Seal.Key]), outcome.Seal.Key);

    [Fact]
    public async Task Each_chain_is_named_once_by_its_highest_position_with_the_hash_of_its_bytes_ordered_by_key()
    {
        Seal(Now.AddDays(-1));
        Digest("20260309T000000Z-b", 1, daysAgo: 1);
        Digest("20260309T000000Z-b", 2, daysAgo: 1);
        var bHead = Digest("20260309T000000Z-b", 3, daysAgo: 0, text: "{\"the\":\"head\"}");
        var aHead = Digest("20260310T000000Z-a", 7, daysAgo: 0);
        // Objects no writer of digests made: they name no chain, so no seal vouches for them.
        _store.Put("digests/2026-03-10/20260310T000000Z-a/9.json", "{}");
        _store.Put("digests/2026-03-10/not a chain/000000000001.json", "{}");

        var outcome = await Writer().WriteAsync(CancellationToken.None);

        Assert.True(outcome.Written);
        var heads = Stored(outcome).Heads;
        Assert.Equal([bHead, aHead], heads.Select(h => h.Key));
        Assert.Equal(("20260309T000000Z-b", 3L), (heads[0].Chain, heads[0].Position));
        Assert.Equal(("20260310T000000Z-a", 7L), (heads[1].Chain, heads[1].Position));
        Assert.Equal(Sha256Hex.Of(Encoding.UTF8.GetBytes("{\"the\":\"head\"}")), heads[0].Sha256);
    }

    [Fact]
    public async Task The_newest_seal_is_linked_by_its_exact_bytes_and_digests_are_listed_from_the_day_before_its_day()
    {
        Seal(Now.AddDays(-4).AddHours(-1));
        Seal(Now.AddDays(-3).AddHours(-2), "{\"older\":1}");
        var newest = Seal(Now.AddDays(-3).AddHours(-1), "{\"newest\":1}");
        Digest("20260305T000000Z-old", 1, daysAgo: 5);
        var margin = Digest("20260306T000000Z-margin", 4, daysAgo: 4);

        var outcome = await Writer().WriteAsync(CancellationToken.None);

        var seal = Stored(outcome);
        Assert.Equal(new DigestLink(newest, Sha256Hex.Of(Encoding.UTF8.GetBytes("{\"newest\":1}"))), seal.Previous);
        // The previous seal's day minus one: the chain still writing into that day is named, an older one is not listed.
        Assert.Equal([margin], seal.Heads.Select(h => h.Key));
        Assert.Equal(Enumerable.Range(0, 5).Select(d => AuditKey.DigestsPrefix + Now.AddDays(d - 4).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "/"),
            _store.FoldersListed);
    }

    [Fact]
    public async Task Each_chain_is_listed_from_after_the_head_the_previous_seal_names()
    {
        const string Chain = "20260310T000000Z-busy";
        var keys = Enumerable.Range(1, 7).Select(position => Digest(Chain, position, daysAgo: 0)).ToList();
        PreviousSealNaming(new SealedHead(Chain, 5, keys[4], Sha256Hex.Of(_store.Objects[keys[4]])));

        var seal = Stored(await Writer().WriteAsync(CancellationToken.None));

        Assert.Equal([keys[6]], seal.Heads.Select(h => h.Key));
        Assert.Equal([(AuditKey.DigestsPrefix + "2026-03-10/" + Chain + "/", keys[4])], _store.Listed.Where(l => l.Prefix.StartsWith(AuditKey.DigestsPrefix, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_chain_without_new_digests_names_its_previous_head_again_while_its_bytes_are_there()
    {
        const string Chain = "20260310T000000Z-quiet";
        var head = Digest(Chain, 2, daysAgo: 0);
        PreviousSealNaming(new SealedHead(Chain, 2, head, Sha256Hex.Of(_store.Objects[head])));

        var seal = Stored(await Writer().WriteAsync(CancellationToken.None));

        Assert.Equal([(Chain, 2L, head)], seal.Heads.Select(h => (h.Chain, h.Position, h.Key)));
    }

    [Theory]
    [InlineData(4, true)]
    [InlineData(99, false)]
    public async Task A_previous_head_that_is_gone_or_never_was_makes_the_chain_listed_whole(int namedPosition, bool deleted)
    {
        const string Chain = "20260310T000000Z-gone";
        var keys = Enumerable.Range(1, 4).Select(position => Digest(Chain, position, daysAgo: 0)).ToList();
        var named = AuditKey.ForDigest(Chain, namedPosition, Now);
        if (deleted)
        {
            _store.Objects.TryRemove(named, out _);
        }

        PreviousSealNaming(new SealedHead(Chain, namedPosition, named, new string('0', 64)));

        var seal = Stored(await Writer().WriteAsync(CancellationToken.None));

        Assert.Equal([deleted ? keys[2] : keys[3]], seal.Heads.Select(h => h.Key));
    }

    /// <summary>A seal an hour ago naming <paramref name="head"/> (as the sealer reads it: a seal document, signed or not).</summary>
    private void PreviousSealNaming(SealedHead head)
    {
        var previous = new SealDocument { Environment = "test", SealedAt = Now.AddHours(-1), NextSealBy = Now.AddMinutes(15), Heads = [head], Unsigned = "test" };
        _store.Put(previous.Key, previous.ToJson());
    }

    [Fact]
    public async Task The_first_seal_links_nothing_and_names_the_chains_of_the_look_back_days()
    {
        var recent = Digest("20260303T000000Z-c", 2, daysAgo: SealWriter.LookBackDays);
        Digest("20260302T000000Z-d", 1, daysAgo: SealWriter.LookBackDays + 1);
        _store.Put("seals/2026-03-10/not-a-seal.json", "{}");

        var seal = Stored(await Writer().WriteAsync(CancellationToken.None));

        Assert.Null(seal.Previous);
        Assert.Equal([recent], seal.Heads.Select(h => h.Key));
    }

    [Fact]
    public async Task A_head_deleted_since_the_listing_gives_way_to_the_digest_before_it()
    {
        var before = Digest("20260310T000000Z-e", 1, daysAgo: 0);
        _store.GoneWhenRead.Add(Digest("20260310T000000Z-e", 2, daysAgo: 0));
        _store.GoneWhenRead.Add(Digest("20260310T000000Z-f", 1, daysAgo: 0));

        var seal = Stored(await Writer().WriteAsync(CancellationToken.None));

        Assert.Equal([before], seal.Heads.Select(h => h.Key));
    }

    [Theory]
    [InlineData(60, 75)]
    [InlineData(5, 20)]
    [InlineData(120, 150)]
    [InlineData(1440, 1800)]
    public async Task The_next_seal_is_due_after_the_interval_and_a_grace_of_15_minutes_or_a_quarter_interval(int intervalMinutes, int dueMinutes)
    {
        var seal = Stored(await Writer(intervalMinutes: intervalMinutes).WriteAsync(CancellationToken.None));

        Assert.Equal(Now, seal.SealedAt);
        Assert.Equal(Now.AddMinutes(dueMinutes), seal.NextSealBy);
        Assert.Equal(AuditKey.ForSeal(Now), seal.Key);
        Assert.Equal("test", seal.Environment);
    }

    [Fact]
    public async Task The_seal_is_signed_with_the_digest_key_under_the_seal_statement()
    {
        Digest("20260310T000000Z-g", 1, daysAgo: 0);

        var outcome = await Writer().WriteAsync(CancellationToken.None);

        var seal = Stored(outcome);
        Assert.Equal(DigestSignatureCheck.Valid, new DigestVerifier(_signer.PublicKey).CheckSignature(seal));
        Assert.Equal((_signer.KeyId, (string?)null), (seal.Signature!.KeyId, seal.Unsigned));
        Assert.Equal(seal.ToLink().Sha256, Sha256Hex.Of(_store.Objects[seal.Key]));
        Assert.Equal(1, _signer.Calls);
    }

    [Fact]
    public async Task A_key_that_cannot_sign_leaves_the_seal_written_unsigned_with_the_reason_and_a_warning()
    {
        _signer.FailWhen = _ => true;
        Digest("20260310T000000Z-h", 1, daysAgo: 0);

        var outcome = await Writer().WriteAsync(CancellationToken.None);

        Assert.True(outcome.Written);
        var seal = Stored(outcome);
        Assert.Null(seal.Signature);
        Assert.Contains(_signer.KeyId, seal.Unsigned, StringComparison.Ordinal);
        Assert.Contains("KMSInvalidStateException", seal.Unsigned, StringComparison.Ordinal);
        Assert.Single(seal.Heads);
        Assert.Contains(_lines, line => line.Contains("\"level\":\"WARN\"", StringComparison.Ordinal) && line.Contains(seal.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_key_the_seal_says_so()
    {
        var writer = new SealWriter(_store, null, "no digest signing key is configured", SealInterval.Default,
            new ProcessorLog(new JsonLogger(_ => { }), ProcessorLogLevel.Info), new BatchProcessorOptions { Time = new SteppingTime(Now) });

        var seal = Stored(await writer.WriteAsync(CancellationToken.None));

        Assert.Equal("no digest signing key is configured", seal.Unsigned);
    }

    [Fact]
    public async Task A_seal_another_sealer_wrote_in_the_same_second_stands_and_this_one_stops_without_an_error()
    {
        var theirs = Seal(Now, "{\"theirs\":true}");

        var outcome = await Writer().WriteAsync(CancellationToken.None);

        Assert.False(outcome.Written);
        Assert.Equal(theirs, outcome.Seal.Key);
        Assert.Equal("{\"theirs\":true}", Encoding.UTF8.GetString(_store.Objects[theirs]));
        Assert.Equal(1, _store.Refused);
    }

    [Fact]
    public async Task Consecutive_seals_form_a_chain()
    {
        var time = new SteppingTime(Now);
        var writer = new SealWriter(_store, _signer, null, SealInterval.Default, new ProcessorLog(new JsonLogger(_ => { }), ProcessorLogLevel.Info),
            new BatchProcessorOptions { Time = time });

        var first = await writer.WriteAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        var second = await writer.WriteAsync(CancellationToken.None);

        Assert.Null(Stored(first).Previous);
        Assert.Equal(Stored(first).ToLink(), Stored(second).Previous);
    }

    [Theory]
    [InlineData("digests/2026-03-10/20260310T000000Z-a/000000000007.json", true)]
    [InlineData("digests/2026-03-10/20260310T000000Z-a/7.json", false)]
    [InlineData("digests/2026-3-10/20260310T000000Z-a/000000000007.json", false)]
    [InlineData("digests/2026-03-10/a/b/000000000007.json", false)]
    [InlineData("digests/2026-03-10/20260310T000000Z-a/000000000000.json", false)]
    [InlineData("digests/2026-03-10/20260310T000000Z-a/000000000007.txt", false)]
    public void Only_keys_the_digest_scheme_makes_name_a_chain(string key, bool named)
    {
        Assert.Equal(named, SealWriter.DigestKeyParts(key) is not null);
    }
}
