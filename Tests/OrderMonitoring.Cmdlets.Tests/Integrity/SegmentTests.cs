using System.Globalization;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Tests.Reconciliation;
using OrderMonitoring.Processor.Audit;
using Sample = OrderMonitoring.Cmdlets.Tests.Reconciliation.Orders;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>-Segment/-TotalSegments: the parts of a whole check together find exactly what the whole check finds.</summary>
public sealed class SegmentTests : IDisposable
{
    private readonly FakeVersionStore _store = new() { PageSize = 11 };
    private readonly FakeItemSource _table = new() { PageSize = 7 };
    private readonly SignedTrail _trail;

    public SegmentTests() => _trail = new SignedTrail(_store);

    public void Dispose() => _trail.Dispose();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task The_union_of_the_parts_is_the_whole_check(int parts)
    {
        var sequence = 1000;
        string Audited(string orderId, string status = "PENDING", bool inTable = true)
        {
            var item = Sample.Item(orderId, "1772366400000", status);
            if (inTable)
            {
                _table.Items.Add(item);
            }

            return _store.Audited(item, "INSERT", (sequence++).ToString(CultureInfo.InvariantCulture));
        }

        // History from before digests (Unsigned), then a signed trail with a finding of every kind.
        Audited("OLD-1");
        Audited("OLD-2");
        var keys = Enumerable.Range(0, 40).Select(i => Audited($"ORD-{i:D2}")).ToList();
        keys.Add(Audited("GONE-ORDER", inTable: false));
        _store.Put(AuditKey.ForRecord("BAD", "7"), "{\"schemaVersion\":\"1\"}");
        keys.Insert(10, AuditKey.ForRecord("BAD", "7"));
        keys.Add(Audited("ERASED-ORDER", inTable: false));
        var first = _trail.Digest(keys.Take(20));
        _trail.Digest(keys.Skip(20));
        _trail.Digest(new[] { Audited("TRAILING") }, unsigned: true);
        _store.Put(keys[1], "{\"tampered\":true}");
        _store.Delete(keys[2]);
        _store.Erase(keys[3]);
        _store.Erase(keys[^1]);
        _store.Delete(first.Key);
        var (forged, json) = Sample.Audit(Sample.Item("ORD-05", "1772366400000", "SHIPPED"), "MODIFY", "99999");
        _store.Put(forged, json);
        _store.Put(AuditKey.QuarantinePrefix + "0000000000000000000000000000000000000001.json", "{}");
        _table.Items.Add(Sample.Item("NO-AUDIT", "1", "PENDING"));
        _table.Items.Add(Sample.Item("ORD-06", "1772366400000", "FAILED"));
        _table.Items.RemoveAll(i => i.OrderId == "ORD-06" && i.Status() == "PENDING");

        var whole = await CheckAsync(null);
        var union = new List<CheckedFinding>();
        for (var part = 0; part < parts; part++)
        {
            union.AddRange(await CheckAsync(new CheckPart(part, parts)));
        }

        var expectedKinds = new[]
        {
            AuditFindingKind.TamperedAudit, AuditFindingKind.DeletedAudit, AuditFindingKind.ForgedAudit, AuditFindingKind.DigestMissing,
            AuditFindingKind.DigestUnsigned, AuditFindingKind.Unsigned, AuditFindingKind.UnreadableAudit, AuditFindingKind.MissingAudit, AuditFindingKind.StaleAudit,
        };
        Assert.All(expectedKinds, kind => Assert.Contains(whole, f => f.Kind == kind));
        Assert.Equal(Identities(whole), Identities(union).Distinct().ToList());
        Assert.Equal(Identities(whole).Count(i => i.Kind != AuditFindingKind.Unsigned), Identities(union).Count(i => i.Kind != AuditFindingKind.Unsigned));
    }

    private async Task<IReadOnlyList<CheckedFinding>> CheckAsync(CheckPart? part)
    {
        var verified = await new TrailVerifier(_store, _trail.Keys, TimeProvider.System).VerifyAsync("b", VerificationPeriod.WholeTrail, default);
        var outcome = await new AuditLogChecker(_table, _store, new CheckOptions(ScanSegments: 2, MaxParallelOrders: 3, MaxParallelReads: 2), TimeProvider.System)
            .CheckAsync(new CheckRequest("orders", "b", null, new CheckScope(), verified, part), NullOperationReporter.Instance, default);
        return outcome.Findings;
    }

    private static List<(AuditFindingKind Kind, string OrderId, string? Timestamp, string? Key)> Identities(IEnumerable<CheckedFinding> findings) =>
        findings.Select(f => (f.Kind, f.OrderId, f.Timestamp, f.Key)).OrderBy(i => i.Kind).ThenBy(i => i.OrderId, StringComparer.Ordinal)
            .ThenBy(i => i.Key, StringComparer.Ordinal).ThenBy(i => i.Timestamp, StringComparer.Ordinal).ToList();
}
