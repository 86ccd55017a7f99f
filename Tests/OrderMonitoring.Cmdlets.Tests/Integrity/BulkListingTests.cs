using System.Globalization;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Tests.Reconciliation;
using OrderMonitoring.Processor.Audit;
using Sample = OrderMonitoring.Cmdlets.Tests.Reconciliation.Orders;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>
/// A whole verified check lists orders/ in pages instead of once per order; the listing is a moment, so a finding
/// from it is confirmed with a fresh listing of the order's folder; a period check never lists the whole bucket.
/// </summary>
public sealed class BulkListingTests : IDisposable
{
    private readonly FakeVersionStore _store = new() { PageSize = 4 };
    private readonly FakeItemSource _table = new() { PageSize = 5 };
    private readonly SignedTrail _trail;
    private int _sequence = 1000;

    public BulkListingTests() => _trail = new SignedTrail(_store);

    public void Dispose() => _trail.Dispose();

    private string Order(string orderId, string timestamp = "1772366400000")
    {
        var item = Sample.Item(orderId, timestamp, "PENDING");
        _table.Items.Add(item);
        return _store.Audited(item, "INSERT", (_sequence++).ToString(CultureInfo.InvariantCulture));
    }

    private async Task<CheckOutcome> CheckAsync(VerificationPeriod period, CheckScope scope)
    {
        var verified = await new TrailVerifier(_store, _trail.Keys, TimeProvider.System).VerifyAsync("b", period, default);
        var checker = new AuditLogChecker(_table, _store, new CheckOptions(ScanSegments: 2, MaxParallelOrders: 3, MaxParallelReads: 2), TimeProvider.System);
        return await checker.CheckAsync(new CheckRequest("orders", "b", null, scope, verified), NullOperationReporter.Instance, default);
    }

    private IEnumerable<string> OrderFoldersListed() =>
        _store.ListedPrefixes.Where(p => p.StartsWith(AuditKey.OrdersPrefix, StringComparison.Ordinal) && p.Length > AuditKey.OrdersPrefix.Length);

    [Fact]
    public async Task A_whole_verified_check_lists_orders_in_pages_not_once_per_order()
    {
        var keys = Enumerable.Range(0, 10).Select(i => Order($"ORD-{i:D2}", (1772366400000 + i).ToString(CultureInfo.InvariantCulture))).ToList();
        _trail.Digest(keys);

        var outcome = await CheckAsync(VerificationPeriod.WholeTrail, new CheckScope());

        Assert.Empty(outcome.Findings);
        Assert.Equal(10, outcome.AuditObjects);
        Assert.Single(_store.ListedPrefixes, AuditKey.OrdersPrefix);
        Assert.Empty(OrderFoldersListed());
    }

    [Fact]
    public async Task An_object_written_after_the_bulk_listing_is_found_by_a_fresh_listing_not_reported_missing()
    {
        var keys = Enumerable.Range(0, 6).Select(i => Order($"ORD-{i:D2}", (1772366400000 + i).ToString(CultureInfo.InvariantCulture))).ToList();
        var late = keys[3];
        var lateJson = _store.Current(late)!;
        _trail.Digest(keys);
        // The processor's write reaches S3 only after the check listed orders/ (its item and digest are already there).
        _store.Erase(late);
        _store.Listed = prefix =>
        {
            if (prefix == AuditKey.OrdersPrefix && _store.Current(late) is null)
            {
                _store.Put(late, lateJson);
            }
        };

        var outcome = await CheckAsync(VerificationPeriod.WholeTrail, new CheckScope());

        Assert.Empty(outcome.Findings);
        Assert.Equal(6, outcome.AuditObjects);
        Assert.Equal(new[] { AuditKey.OrderPrefix("ORD-03") }, OrderFoldersListed());
    }

    [Fact]
    public async Task A_deletion_the_bulk_listing_saw_is_confirmed_and_reported_as_before()
    {
        var keys = Enumerable.Range(0, 4).Select(i => Order($"ORD-{i:D2}", (1772366400000 + i).ToString(CultureInfo.InvariantCulture))).ToList();
        _trail.Digest(keys);
        _store.Delete(keys[1]);

        var finding = Assert.Single((await CheckAsync(VerificationPeriod.WholeTrail, new CheckScope())).Findings);

        Assert.Equal((AuditFindingKind.DeletedAudit, keys[1], _store.VersionIds(keys[1])[0]), (finding.Kind, finding.Key, finding.ProvenVersionId));
    }

    [Fact]
    public async Task A_failed_bulk_listing_fails_the_check_with_its_error_instead_of_waiting_forever()
    {
        _trail.Digest(Enumerable.Range(0, 6).Select(i => Order($"ORD-{i:D2}", (1772366400000 + i).ToString(CultureInfo.InvariantCulture))).ToList());
        _store.Listed = prefix =>
        {
            if (prefix == AuditKey.OrdersPrefix)
            {
                throw new InvalidOperationException("S3 ListObjectVersions on s3://b/orders/ failed");
            }
        };

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => CheckAsync(VerificationPeriod.WholeTrail, new CheckScope()));

        Assert.Contains("ListObjectVersions", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_period_check_lists_only_the_folders_of_its_period_never_the_whole_bucket()
    {
        var day = new DateTimeOffset(_store.Now, TimeSpan.Zero);
        var earlier = Order("OLD", day.AddDays(-3).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        _trail.Digest(new[] { earlier });
        _store.Now = _store.Now.AddDays(3);
        var today = new DateTimeOffset(_store.Now, TimeSpan.Zero);
        var recent = Order("NEW", today.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        _trail.Digest(new[] { recent });

        var outcome = await CheckAsync(new VerificationPeriod(today.AddHours(-1), today.AddHours(1)), new CheckScope(today.AddHours(-1), today.AddHours(1)));

        Assert.Empty(outcome.Findings);
        Assert.DoesNotContain(AuditKey.OrdersPrefix, _store.ListedPrefixes);
        Assert.Equal(new[] { AuditKey.OrderPrefix("NEW") }, OrderFoldersListed());
    }
}
