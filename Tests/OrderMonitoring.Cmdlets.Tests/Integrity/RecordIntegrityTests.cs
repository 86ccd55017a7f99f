using System.Globalization;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Tests.Reconciliation;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using Sample = OrderMonitoring.Cmdlets.Tests.Reconciliation.Orders;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>Get-OrderAuditLog's marks: each record against the one digest its metadata names.</summary>
public sealed class RecordIntegrityTests : IDisposable
{
    private readonly FakeVersionStore _store = new();
    private readonly SignedTrail _trail;
    private int _sequence = 1000;

    public RecordIntegrityTests() => _trail = new SignedTrail(_store);

    public void Dispose() => _trail.Dispose();

    private (string Key, string Json) Audited(string orderId)
    {
        var (key, json) = Sample.Audit(Sample.Item(orderId, "1", "PENDING"), "INSERT", (_sequence++).ToString(CultureInfo.InvariantCulture));
        _store.Put(key, json);
        return (key, json);
    }

    private async Task<string> MarkAsync(string key, string json, string? digestKey, DateTime? written = null) =>
        (await new RecordIntegrity(_store, _trail.Keys).MarkAsync("b", new[] { new ReadObject(key, json, digestKey, written ?? _store.Now) }, default)).Single();

    [Fact]
    public async Task A_record_its_digest_lists_with_its_bytes_is_Proven_and_other_bytes_are_Tampered()
    {
        var (key, json) = Audited("A");
        var digest = _trail.Digest(new[] { key });

        Assert.Equal(IntegrityMarks.Proven, await MarkAsync(key, json, digest.Key));
        Assert.Equal(IntegrityMarks.Tampered, await MarkAsync(key, json.Replace("PENDING", "SHIPPED", StringComparison.Ordinal), digest.Key));
        // An overwrite drops the metadata; the first version still names the digest.
        Assert.Equal(IntegrityMarks.Tampered, await MarkAsync(key, json.Replace("PENDING", "SHIPPED", StringComparison.Ordinal), null));
    }

    [Fact]
    public async Task A_record_naming_a_digest_that_does_not_list_it_or_no_digest_is_NotInDigest()
    {
        var (key, json) = Audited("A");
        var digest = _trail.Digest(new[] { key });
        var (forged, forgedJson) = Sample.Audit(Sample.Item("A", "1", "SHIPPED"), "MODIFY", "99999");

        Assert.Equal(IntegrityMarks.NotInDigest, await MarkAsync(forged, forgedJson, digest.Key));
        Assert.Equal(IntegrityMarks.NotInDigest, await MarkAsync(forged, forgedJson, null));
        Assert.Equal(IntegrityMarks.NotInDigest, await MarkAsync(forged, forgedJson, AuditKey.DigestsPrefix + "2026-03-01/none/000000000001.json"));
    }

    [Fact]
    public async Task A_record_from_before_digests_or_in_an_unsigned_digest_is_Unsigned()
    {
        var (old, oldJson) = Audited("OLD");
        var written = _store.Now.AddSeconds(-1);
        var (key, json) = Audited("A");
        var unsigned = _trail.Digest(new[] { key }, unsigned: true);

        Assert.Equal(IntegrityMarks.Unsigned, await MarkAsync(old, oldJson, null, written.AddSeconds(-1)));
        Assert.Equal(IntegrityMarks.Unsigned, await MarkAsync(key, json, unsigned.Key));
    }

    [Fact]
    public async Task A_record_a_signed_repair_record_wrote_is_Repaired()
    {
        _trail.Digest(new[] { Audited("A").Key });
        var written = AuditKey.ForReconciliation("A", "1000", "1", "MODIFY", "{}");
        _store.Put(written, "{\"reconciled\":true}");
        _trail.Repair(new RepairRecord
        {
            Environment = "dev", Finding = nameof(AuditFindingKind.StaleAudit), Key = written, Action = RepairRecord.WroteReconciliationRecord, WrittenKey = written,
            WrittenSha256 = Sha256Hex.Of(System.Text.Encoding.UTF8.GetBytes("{\"reconciled\":true}")), CallerArn = "arn:aws:iam::123456789012:user/op",
            RepairedAt = new DateTimeOffset(_store.Now, TimeSpan.Zero),
        });

        Assert.Equal(IntegrityMarks.Repaired, await MarkAsync(written, "{\"reconciled\":true}", null));
    }
}
