using System.Globalization;
using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Tests.Reconciliation;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.TestSupport;
using Sample = OrderMonitoring.Cmdlets.Tests.Reconciliation.Orders;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>
/// A gap in the seals (a seal deleted, or a schedule that did not run: nothing tells which) acknowledged by a person
/// with Repair-OrderAuditLog -AcknowledgeSealGap: a repair record signed with the repair key names both seals by key
/// and SHA-256, and the check no longer reports exactly that gap.
/// </summary>
public sealed class SealGapAcknowledgementTests : IDisposable
{
    private static readonly SealSchedule Hourly = SealSchedule.FromOutput("rate(60 minutes)")!;

    private readonly RepairHarness _repair = new() { Store = new FakeVersionStore { PageSize = 9 }, Now = new DateTimeOffset(2026, 3, 1, 18, 0, 0, TimeSpan.Zero) };
    private readonly SignedTrail _trail;
    private readonly SealWriter _sealer;
    private int _sequence = 1000;

    public SealGapAcknowledgementTests()
    {
        _trail = new SignedTrail(_repair.Store);
        _sealer = new SealWriter(_repair.Store, _trail);
    }

    public void Dispose()
    {
        _trail.Dispose();
        _repair.Dispose();
    }

    private FakeVersionStore Store => _repair.Store;

    /// <summary>The keys that accept the repairer's records (the harness's signer), or the trail's own repair key.</summary>
    private VerificationKeys RepairerKeys => new(_trail.Keys.Digests, new DigestVerifier(_repair.Signer.PublicKey));

    private string Order(string orderId)
    {
        var item = Sample.Item(orderId, "1772366400000", "PENDING");
        _repair.Table.Items.Add(item);
        return Store.Audited(item, "INSERT", (_sequence++).ToString(CultureInfo.InvariantCulture));
    }

    private async Task<(IReadOnlyList<CheckedFinding> Findings, VerifiedTrail Trail, RecordingReporter Reporter)> CheckAsync(VerificationKeys? keys = null, TimeSpan? after = null)
    {
        var clock = new SteppingTime(new DateTimeOffset(Store.Now, TimeSpan.Zero) + (after ?? TimeSpan.FromMinutes(1)));
        var verified = await new TrailVerifier(Store, keys ?? RepairerKeys, clock).VerifyAsync("b", VerificationPeriod.WholeTrail, Hourly, default);
        var checker = new AuditLogChecker(_repair.Table, Store, new CheckOptions(ScanSegments: 2, MaxParallelOrders: 3, MaxParallelReads: 2), clock);
        var reporter = new RecordingReporter();
        var outcome = await checker.CheckAsync(new CheckRequest("orders", "b", null, new CheckScope(), verified, null), reporter, default);
        return (outcome.Findings, verified, reporter);
    }

    private string ShaOf(string key) => Sha256Hex.Of(Encoding.UTF8.GetBytes(Store.Current(key)!));

    /// <summary>Two signed seals three hours apart (the schedule says 75 minutes at most): one gap.</summary>
    private (SealDocument Early, SealDocument Late) Gap()
    {
        _trail.Digest(new[] { Order("A") });
        var early = _sealer.Seal();
        Store.Now = Store.Now.AddHours(3);
        var late = _sealer.Seal();
        return (early, late);
    }

    [Fact]
    public async Task A_gap_carries_both_seals_and_once_acknowledged_is_no_longer_reported_and_acknowledging_again_writes_nothing()
    {
        var (early, late) = Gap();
        var gap = Assert.Single((await CheckAsync()).Findings);
        Assert.Equal((AuditFindingKind.DigestMissing, AuditKey.SealsPrefix, early.Key, ShaOf(early.Key), late.Key, ShaOf(late.Key)),
            (gap.Kind, gap.Key, gap.DigestKey, gap.DigestedSha256, gap.Gap?.Later.Key, gap.Gap?.Later.Sha256));

        var (repairs, reporter) = await _repair.RepairAsync([gap], acknowledgeSealGap: true);

        Assert.Empty(reporter.Failures);
        var repair = Assert.Single(repairs);
        Assert.Equal((RepairRecord.AcknowledgedSealGap, late.Key, null, $"{early.SealedAt:u} to {late.SealedAt:u}", ShaOf(late.Key)),
            (repair.Action, repair.Key, repair.VersionId, repair.Source, repair.WrittenSha256));
        var record = Assert.Single(_repair.Records());
        Assert.Equal(("DigestMissing", AuditKey.SealsPrefix, early.Key, ShaOf(early.Key), late.Key, ShaOf(late.Key), RepairHarness.Caller),
            (record.Finding, record.Key, record.DigestKey, record.DigestedSha256, record.WrittenKey, record.WrittenSha256, record.CallerArn));
        Assert.Equal(DigestSignatureCheck.Valid, new DigestVerifier(_repair.Signer.PublicKey).CheckSignature(record));
        Assert.Equal(2, Store.Keys(AuditKey.SealsPrefix).Count); // nothing but the record was written

        var (findings, trail, _) = await CheckAsync();
        Assert.Empty(findings);
        var acknowledged = Assert.Single(trail.AcknowledgedGaps);
        Assert.Contains(RepairHarness.Caller, acknowledged.Describe(), StringComparison.Ordinal);
        Assert.Contains(early.Key, acknowledged.Describe(), StringComparison.Ordinal);

        // The gap is no longer a finding, so a second acknowledgement has nothing to write.
        var (again, _) = await _repair.RepairAsync(findings, acknowledgeSealGap: true);
        Assert.Empty(again);
        Assert.Single(_repair.Records());
    }

    [Fact]
    public async Task Without_the_switch_a_gap_is_left_alone_with_a_warning_even_when_every_step_is_confirmed()
    {
        Gap();
        var gap = Assert.Single((await CheckAsync()).Findings);

        var (repairs, reporter) = await _repair.RepairAsync([gap], acknowledgeSealGap: false);

        Assert.Empty(repairs);
        Assert.Empty(_repair.Records());
        Assert.Contains(reporter.Warnings, w => w.Contains("-AcknowledgeSealGap", StringComparison.Ordinal));
        Assert.Equal(0, _repair.Signer.Calls);
    }

    [Theory]
    [InlineData("exact", false)]
    [InlineData("other later seal", true)]
    [InlineData("other bytes of the earlier seal", true)]
    [InlineData("other bytes of the later seal", true)]
    [InlineData("unsigned", true)]
    [InlineData("signed with the digest key", true)]
    [InlineData("another action", true)]
    public async Task Only_a_validly_signed_acknowledgement_naming_exactly_both_seals_and_their_bytes_clears_a_gap(string acknowledgement, bool stillReported)
    {
        var (early, late) = Gap();
        var record = new RepairRecord
        {
            Environment = "dev", Finding = "DigestMissing", Key = AuditKey.SealsPrefix, DigestKey = early.Key, DigestedSha256 = ShaOf(early.Key),
            Action = RepairRecord.AcknowledgedSealGap, WrittenKey = late.Key, WrittenSha256 = ShaOf(late.Key), CallerArn = RepairHarness.Caller,
            RepairedAt = new DateTimeOffset(Store.Now, TimeSpan.Zero),
        };
        var zeros = new string('0', 64);
        switch (acknowledgement)
        {
            case "other later seal": record = record with { WrittenKey = AuditKey.ForSeal(late.SealedAt.AddMinutes(1)) }; break;
            case "other bytes of the earlier seal": record = record with { DigestedSha256 = zeros }; break;
            case "other bytes of the later seal": record = record with { WrittenSha256 = zeros }; break;
            case "another action": record = record with { Action = RepairRecord.WroteReconciliationRecord }; break;
        }

        if (acknowledgement == "unsigned")
        {
            Store.Put(record.StorageKey, (record with { Unsigned = "no repair key" }).ToJson());
        }
        else
        {
            _trail.Repair(record, withDigestKey: acknowledgement == "signed with the digest key");
        }

        var (findings, trail, _) = await CheckAsync(_trail.Keys);

        Assert.Equal(stillReported, findings.Any(f => f.Gap is not null));
        Assert.Equal(stillReported ? 0 : 1, trail.AcknowledgedGaps.Count);
    }

    [Fact]
    public async Task An_overdue_newest_seal_is_not_acknowledgeable_the_schedule_must_be_fixed()
    {
        _trail.Digest(new[] { Order("A") });
        _sealer.Seal();
        var overdue = Assert.Single((await CheckAsync(after: TimeSpan.FromHours(2))).Findings);
        Assert.Null(overdue.Gap);

        var (repairs, reporter) = await _repair.RepairAsync([overdue], acknowledgeSealGap: true);

        Assert.Empty(repairs);
        Assert.Empty(_repair.Records());
        Assert.Contains(reporter.Warnings, w => w.StartsWith("DigestMissing seals/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gap_acknowledged_in_the_same_run_no_longer_keeps_reconciliation_records_from_being_written()
    {
        Gap();
        var gap = Assert.Single((await CheckAsync()).Findings);
        var item = Sample.Item("B", "1772366400000", "PENDING");
        _repair.Table.Items.Add(item);
        var missing = new CheckedFinding(AuditFindingKind.MissingAudit, "B", "1772366400000", null, "test") { Item = item };

        var (blocked, blockedReporter) = await _repair.RepairAsync([missing, gap], acknowledgeSealGap: false);
        Assert.Empty(blocked);
        Assert.Contains(blockedReporter.Warnings, w => w.StartsWith("MissingAudit B", StringComparison.Ordinal) && w.Contains("seals/", StringComparison.Ordinal));

        var (repairs, reporter) = await _repair.RepairAsync([missing, gap], acknowledgeSealGap: true);

        Assert.Equal(new[] { RepairRecord.AcknowledgedSealGap, RepairRecord.WroteReconciliationRecord }, repairs.Select(r => r.Action));
        Assert.DoesNotContain(reporter.Warnings, w => w.StartsWith("MissingAudit B", StringComparison.Ordinal));
    }
}
