using System.Globalization;
using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Tests.Reconciliation;
using OrderMonitoring.Processor.Digests;
using Sample = OrderMonitoring.Cmdlets.Tests.Reconciliation.Orders;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>
/// A digest rewritten behind its chain's back, with an audit object to agree: the next digest's link names the
/// digest's exact bytes, so the version with those bytes is the one its objects are judged by.
/// </summary>
public sealed class LinkedVersionTests : IDisposable
{
    private readonly FakeVersionStore _store = new() { PageSize = 9 };
    private readonly FakeItemSource _table = new() { PageSize = 5 };
    private readonly SignedTrail _trail;
    private int _sequence = 1000;

    public LinkedVersionTests() => _trail = new SignedTrail(_store);

    public void Dispose() => _trail.Dispose();

    private string Order(string orderId)
    {
        var item = Sample.Item(orderId, "1772366400000", "PENDING");
        _table.Items.Add(item);
        return _store.Audited(item, "INSERT", (_sequence++).ToString(CultureInfo.InvariantCulture));
    }

    private async Task<CheckOutcome> CheckAsync()
    {
        var verified = await new TrailVerifier(_store, _trail.Keys, TimeProvider.System).VerifyAsync("b", VerificationPeriod.WholeTrail, default);
        var checker = new AuditLogChecker(_table, _store, new CheckOptions(ScanSegments: 2, MaxParallelOrders: 3, MaxParallelReads: 2), TimeProvider.System);
        return await checker.CheckAsync(new CheckRequest("orders", "b", null, new CheckScope(), verified, null), NullOperationReporter.Instance, default);
    }

    /// <summary>Overwrites the object with other facts and the digest with an unsigned version listing them, as an admin without the signing key could.</summary>
    internal static void RewriteWithObject(FakeVersionStore store, DigestDocument digest, string objectKey)
    {
        var forged = store.Current(objectKey)!.Replace("PENDING", "SHIPPED", StringComparison.Ordinal);
        store.Put(objectKey, forged);
        var entries = digest.Objects.Select(e => e.Key == objectKey ? e with { Sha256 = Sha256Hex.Of(Encoding.UTF8.GetBytes(forged)) } : e).ToList();
        store.Put(digest.Key, (digest with { Objects = entries, Signature = null, Unsigned = "simulated: throttled" }).ToJson());
    }

    [Fact]
    public async Task An_unsigned_digest_rewritten_with_its_object_is_judged_by_the_version_the_next_link_names()
    {
        var key = Order("A");
        var rewritten = _trail.Digest(new[] { key }, unsigned: true);
        var next = _trail.Digest(new[] { Order("B") });
        var (originalObject, originalDigest) = (_store.VersionIds(key)[0], _store.VersionIds(rewritten.Key)[0]);
        RewriteWithObject(_store, rewritten, key);

        var outcome = await CheckAsync();

        Assert.Equal(new[] { (AuditFindingKind.DigestInvalid, rewritten.Key), (AuditFindingKind.TamperedAudit, key) }.OrderBy(f => f.Item1),
            outcome.Findings.Select(f => (f.Kind, f.Key!)).OrderBy(f => f.Item1));
        var tampered = Assert.Single(outcome.Findings, f => f.Kind == AuditFindingKind.TamperedAudit);
        Assert.Equal((originalObject, rewritten.Key, rewritten.Objects[0].Sha256), (tampered.ProvenVersionId, tampered.DigestKey, tampered.DigestedSha256));
        var changed = Assert.Single(outcome.Findings, f => f.Kind == AuditFindingKind.DigestInvalid).Detail;
        Assert.Contains($"its current version hashes to {Sha256Hex.Of(Encoding.UTF8.GetBytes(_store.Current(rewritten.Key)!))}, which differs from the bytes digest {next.Key}", changed,
            StringComparison.Ordinal);
        Assert.Contains($"version {originalDigest} has them", changed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_digest_replaced_by_an_unsigned_one_is_judged_by_its_signed_version_and_the_signed_chain_stays_whole()
    {
        var key = Order("A");
        var first = _trail.Digest(new[] { key });
        var replaced = _trail.Digest(new[] { Order("B"), Order("C") });
        _trail.Digest(new[] { Order("D") });
        var original = _store.VersionIds(replaced.Objects[1].Key)[0];
        RewriteWithObject(_store, replaced, replaced.Objects[1].Key);

        var outcome = await CheckAsync();

        Assert.Equal(new[] { (AuditFindingKind.DigestInvalid, replaced.Key), (AuditFindingKind.TamperedAudit, replaced.Objects[1].Key) }.OrderBy(f => f.Item1),
            outcome.Findings.Select(f => (f.Kind, f.Key!)).OrderBy(f => f.Item1));
        Assert.Equal(original, Assert.Single(outcome.Findings, f => f.Kind == AuditFindingKind.TamperedAudit).ProvenVersionId);
        Assert.DoesNotContain(outcome.Findings, f => f.Key == first.Key || f.Key == key);
    }

    [Fact]
    public async Task A_chain_s_newest_signed_digest_replaced_by_an_unsigned_one_is_judged_by_its_signed_version_though_nothing_links_to_it()
    {
        var first = _trail.Digest(new[] { Order("A") });
        var newest = _trail.Digest(new[] { Order("B"), Order("C") });
        var forgedKey = newest.Objects[1].Key;
        var original = _store.VersionIds(forgedKey)[0];
        RewriteWithObject(_store, newest, forgedKey);

        var outcome = await CheckAsync();

        Assert.Equal(new[] { (AuditFindingKind.DigestInvalid, newest.Key), (AuditFindingKind.TamperedAudit, forgedKey) }.OrderBy(f => f.Item1),
            outcome.Findings.Select(f => (f.Kind, f.Key!)).OrderBy(f => f.Item1));
        Assert.Equal(original, Assert.Single(outcome.Findings, f => f.Kind == AuditFindingKind.TamperedAudit).ProvenVersionId);
        Assert.Contains("unsigned version", Assert.Single(outcome.Findings, f => f.Kind == AuditFindingKind.DigestInvalid).Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(outcome.Findings, f => f.Key == first.Key);
    }
}
