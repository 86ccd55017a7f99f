using System.Globalization;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Tests.Reconciliation;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.TestSupport;
using Sample = OrderMonitoring.Cmdlets.Tests.Reconciliation.Orders;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>Test-OrderAuditLog's verification of seals: what a seal proves about the chains' heads, the seals' own chain and their cadence.</summary>
public sealed class SealVerificationTests : IDisposable
{
    private static readonly SealSchedule Hourly = SealSchedule.FromOutput("rate(60 minutes)")!;

    private readonly FakeVersionStore _store = new() { PageSize = 9 };
    private readonly FakeItemSource _table = new() { PageSize = 5 };
    private readonly SignedTrail _trail;
    private readonly SealWriter _sealer;
    private int _sequence = 1000;

    public SealVerificationTests()
    {
        _trail = new SignedTrail(_store);
        _sealer = new SealWriter(_store, _trail);
    }

    public void Dispose() => _trail.Dispose();

    private string Order(string orderId)
    {
        var item = Sample.Item(orderId, "1772366400000", "PENDING");
        _table.Items.Add(item);
        return _store.Audited(item, "INSERT", (_sequence++).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A whole check (or a period's) with the check's clock <paramref name="after"/> the store's (a minute by default).</summary>
    private async Task<(CheckOutcome Outcome, VerifiedTrail Trail)> CheckAsync(SealSchedule? schedule = null, TimeSpan? after = null, VerificationPeriod? period = null,
        CheckScope? scope = null, CheckPart? part = null)
    {
        var clock = new SteppingTime(new DateTimeOffset(_store.Now, TimeSpan.Zero) + (after ?? TimeSpan.FromMinutes(1)));
        var verified = await new TrailVerifier(_store, _trail.Keys, clock).VerifyAsync("b", period ?? VerificationPeriod.WholeTrail, schedule, default);
        var checker = new AuditLogChecker(_table, _store, new CheckOptions(ScanSegments: 2, MaxParallelOrders: 3, MaxParallelReads: 2), clock);
        return (await checker.CheckAsync(new CheckRequest("orders", "b", null, scope ?? new CheckScope(), verified, part), NullOperationReporter.Instance, default), verified);
    }

    [Fact]
    public async Task An_unsigned_tail_a_seal_names_is_sealed_and_without_the_seal_stays_DigestUnsigned()
    {
        _trail.Digest(new[] { Order("A") });
        var tail = _trail.Digest(new[] { Order("B") }, unsigned: true);
        _trail.Digest(new[] { Order("C") }, unsigned: true);

        var unsealed = await CheckAsync();
        Assert.Equal(2, unsealed.Outcome.Findings.Count(f => f.Kind == AuditFindingKind.DigestUnsigned));
        Assert.Contains(unsealed.Outcome.Findings, f => f.Key == tail.Key);

        _sealer.Seal();
        var (outcome, trail) = await CheckAsync(Hourly);

        Assert.Empty(outcome.Findings);
        Assert.Equal(1, trail.SealsRead);
    }

    [Fact]
    public async Task An_unsigned_seal_seals_nothing_until_a_signed_seal_links_past_it()
    {
        _trail.Digest(new[] { Order("A") }, unsigned: true);
        var unsignedSeal = _sealer.Seal(unsigned: true);

        var findings = (await CheckAsync(Hourly)).Outcome.Findings;
        Assert.Equal(new[] { unsignedSeal.Key }, findings.Where(f => f.Kind == AuditFindingKind.DigestUnsigned && f.Key!.StartsWith(AuditKey.SealsPrefix, StringComparison.Ordinal)).Select(f => f.Key));
        Assert.Contains(findings, f => f.Kind == AuditFindingKind.DigestUnsigned && f.Key!.StartsWith(AuditKey.DigestsPrefix, StringComparison.Ordinal));

        _sealer.Seal();
        Assert.Empty((await CheckAsync(Hourly)).Outcome.Findings);
    }

    [Fact]
    public async Task Deleting_every_version_of_a_chains_sealed_tail_is_DigestMissing_on_the_head_and_its_objects_are_forged()
    {
        var first = _trail.Digest(new[] { Order("A") });
        var tail = _trail.Digest(new[] { Order("B") });
        var seal = _sealer.Seal();
        _store.Erase(tail.Key);

        var findings = (await CheckAsync(Hourly)).Outcome.Findings;

        var missing = Assert.Single(findings, f => f.Kind == AuditFindingKind.DigestMissing);
        Assert.Equal(tail.Key, missing.Key);
        Assert.Contains(seal.Key, missing.Detail, StringComparison.Ordinal);
        Assert.Contains("the chain's tail was deleted", missing.Detail, StringComparison.Ordinal);
        Assert.Contains(first.Key, missing.Detail, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Kind == AuditFindingKind.ForgedAudit && f.OrderId == "B");
    }

    [Fact]
    public async Task An_unsigned_head_rewritten_with_its_object_after_the_seal_is_judged_by_the_sealed_version()
    {
        var key = Order("A");
        var tail = _trail.Digest(new[] { key }, unsigned: true);
        var sealedSha = SealedSha(tail);
        var seal = _sealer.Seal();
        var (originalObject, originalDigest) = (_store.VersionIds(key)[0], _store.VersionIds(tail.Key)[0]);
        // An unsigned digest carries no signature: a new version listing a rewritten object verifies as well as the sealed one.
        LinkedVersionTests.RewriteWithObject(_store, tail, key);

        var findings = (await CheckAsync(Hourly)).Outcome.Findings;

        Assert.Equal(new[] { AuditFindingKind.TamperedAudit, AuditFindingKind.DigestInvalid }.Order(), findings.Select(f => f.Kind).Order());
        var tampered = Assert.Single(findings, f => f.Kind == AuditFindingKind.TamperedAudit);
        Assert.Equal((key, originalObject, tail.Objects[0].Sha256), (tampered.Key, tampered.ProvenVersionId, tampered.DigestedSha256));
        var changed = Assert.Single(findings, f => f.Kind == AuditFindingKind.DigestInvalid);
        Assert.Equal(tail.Key, changed.Key);
        Assert.StartsWith("the digest was changed after the seal: its current version hashes to ", changed.Detail, StringComparison.Ordinal);
        Assert.Contains($"differs from the bytes seal {seal.Key} of ", changed.Detail, StringComparison.Ordinal);
        Assert.Contains($"(SHA-256 {sealedSha}); version {originalDigest} has them", changed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsigned_head_changed_after_the_seal_with_no_version_left_holding_the_sealed_bytes_says_what_was_read()
    {
        var tail = _trail.Digest(new[] { Order("A") }, unsigned: true);
        var sealedSha = SealedSha(tail);
        var seal = _sealer.Seal();
        _store.Purge(tail.Key);
        _store.Put(tail.Key, (tail with { Environment = "prod" }).ToJson());

        var findings = (await CheckAsync(Hourly)).Outcome.Findings;

        var changed = Assert.Single(findings, f => f.Key == tail.Key && f.Kind != AuditFindingKind.DigestUnsigned);
        Assert.Equal(AuditFindingKind.DigestMissing, changed.Kind);
        Assert.StartsWith($"sealed by {seal.Key} at ", changed.Detail, StringComparison.Ordinal);
        Assert.Contains($"with SHA-256 {sealedSha}, but it was changed after the seal: its current version hashes to {SealedSha(tail)}", changed.Detail,
            StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Kind == AuditFindingKind.DigestUnsigned && f.Key == tail.Key);
    }

    [Fact]
    public async Task A_forged_or_changed_seal_is_DigestInvalid_and_seals_nothing()
    {
        _trail.Digest(new[] { Order("A") });
        var seal = _sealer.Seal();
        // Changed after signing: the current version does not verify, the original still counts.
        _store.Put(seal.Key, (seal with { Environment = "prod" }).ToJson());
        _store.Now = _store.Now.AddMinutes(10);
        var tail = _trail.Digest(new[] { Order("B") }, unsigned: true);
        // Signed with another key: an admin without the digest key writes a seal of their own, naming the unsigned tail.
        using var impostor = new SignedTrail(_store);
        var at = new DateTimeOffset(_store.Now, TimeSpan.Zero);
        var forged = impostor.Signed(new SealDocument
        {
            Environment = "dev", SealedAt = at, NextSealBy = at + SealWriter.Due, Previous = seal.ToLink(),
            Heads = new[] { new SealedHead(tail.Chain, tail.Position, tail.Key, SealedSha(tail)) },
        });
        _store.Put(forged.Key, forged.ToJson());

        var findings = (await CheckAsync(Hourly)).Outcome.Findings;

        Assert.Equal(new[] { (AuditFindingKind.DigestUnsigned, tail.Key), (AuditFindingKind.DigestInvalid, seal.Key), (AuditFindingKind.DigestInvalid, forged.Key) },
            findings.Select(f => (f.Kind, f.Key!)).OrderBy(f => f.Item2, StringComparer.Ordinal).ToArray());
        Assert.Contains("earlier version", findings.Single(f => f.Key == seal.Key).Detail, StringComparison.Ordinal);
    }

    private string SealedSha(DigestDocument digest) => Aws.Sha256Hex.Of(System.Text.Encoding.UTF8.GetBytes(_store.Current(digest.Key)!));

    [Fact]
    public async Task A_deleted_seal_and_a_link_naming_other_bytes_break_the_chain_of_seals()
    {
        _trail.Digest(new[] { Order("A") });
        var first = _sealer.Seal();
        _store.Now = _store.Now.AddMinutes(60);
        _sealer.Seal();
        _store.Now = _store.Now.AddMinutes(60);
        var third = _sealer.Seal(change: s => s with { Previous = new DigestLink(s.Previous!.Key, new string('0', 64)) });
        _store.Erase(first.Key);

        var findings = (await CheckAsync(Hourly)).Outcome.Findings.Select(f => (f.Kind, f.Key!)).OrderBy(f => f.Item2, StringComparer.Ordinal).ToArray();

        Assert.Equal(new[] { (AuditFindingKind.DigestMissing, first.Key), (AuditFindingKind.DigestInvalid, third.Key) }, findings);
    }

    [Fact]
    public async Task Seals_further_apart_than_the_schedule_allows_are_a_gap_on_seals()
    {
        _trail.Digest(new[] { Order("A") });
        var early = _sealer.Seal();
        _store.Now = _store.Now.AddHours(3);
        var late = _sealer.Seal();

        var finding = Assert.Single((await CheckAsync(Hourly)).Outcome.Findings);

        Assert.Equal((AuditFindingKind.DigestMissing, AuditKey.SealsPrefix), (finding.Kind, finding.Key));
        Assert.Contains($"no seal between {early.SealedAt:u}", finding.Detail, StringComparison.Ordinal);
        Assert.Contains(late.Key, finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newest_seal_whose_next_is_overdue_is_reported_and_one_not_yet_due_is_not()
    {
        _trail.Digest(new[] { Order("A") });
        var seal = _sealer.Seal();

        Assert.Empty((await CheckAsync(Hourly, after: TimeSpan.FromMinutes(70))).Outcome.Findings);
        var finding = Assert.Single((await CheckAsync(Hourly, after: TimeSpan.FromHours(2))).Outcome.Findings);

        Assert.Equal((AuditFindingKind.DigestMissing, AuditKey.SealsPrefix), (finding.Kind, finding.Key));
        Assert.Contains($"no seal since {seal.SealedAt:u}", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_every_seal_of_a_stack_that_seals_is_DigestMissing_not_history_from_before_seals()
    {
        _trail.Digest(new[] { Order("A") });
        var seal = _sealer.Seal();
        _store.Erase(seal.Key);

        Assert.Empty((await CheckAsync(Hourly, after: TimeSpan.FromMinutes(30))).Outcome.Findings);
        var finding = Assert.Single((await CheckAsync(Hourly, after: TimeSpan.FromHours(3))).Outcome.Findings);
        Assert.Equal((AuditFindingKind.DigestMissing, AuditKey.SealsPrefix), (finding.Kind, finding.Key));
        Assert.Contains("named by no seal", finding.Detail, StringComparison.Ordinal);

        // A stack without the schedule (an older template) expects no seal.
        Assert.Empty((await CheckAsync(schedule: null, after: TimeSpan.FromHours(3))).Outcome.Findings);
    }

    [Fact]
    public async Task Digests_from_before_the_first_seal_give_no_seal_finding()
    {
        // Day 1: digests of a stack that did not seal yet, with an unsigned tail no seal names.
        _trail.Digest(new[] { Order("OLD-A") });
        var oldTail = _trail.Digest(new[] { Order("OLD-B") }, unsigned: true);
        var day1 = new DateTimeOffset(_store.Now.Date, TimeSpan.Zero);
        // Day 6: the stack seals from now on; the first seal names the chains of the days it listed.
        _store.Now = _store.Now.AddDays(5);
        _trail.Chain = "20260306T120000Z-bbbbbbbbbbbb";
        _trail.Digest(new[] { Order("NEW") });
        _sealer.Seal(change: s => s with { Heads = s.Heads.Where(h => h.Chain == _trail.Chain).ToList() });

        var whole = (await CheckAsync(Hourly)).Outcome.Findings;
        Assert.Equal(new[] { (AuditFindingKind.DigestUnsigned, oldTail.Key) }, whole.Select(f => (f.Kind, f.Key!)).ToArray());

        var period = new VerificationPeriod(day1.AddHours(1), day1.AddHours(23));
        var periodFindings = (await CheckAsync(Hourly, period: period, scope: new CheckScope(period.Since, period.Until))).Outcome.Findings;
        Assert.Equal(new[] { (AuditFindingKind.DigestUnsigned, oldTail.Key) }, periodFindings.Select(f => (f.Kind, f.Key!)).ToArray());
    }

    [Fact]
    public async Task A_period_check_reads_onward_to_the_seal_after_the_period_that_seals_its_unsigned_tail()
    {
        _store.Now = new DateTime(2026, 3, 1, 23, 50, 0, DateTimeKind.Utc);
        _trail.Digest(new[] { Order("A") });
        _trail.Digest(new[] { Order("B") }, unsigned: true);
        var day = new DateTimeOffset(_store.Now.Date, TimeSpan.Zero);
        _store.Now = _store.Now.AddMinutes(30);
        var seal = _sealer.Seal();
        Assert.NotEqual(day.UtcDateTime.Date, seal.SealedAt.UtcDateTime.Date);

        var period = new VerificationPeriod(day.AddHours(1), day.AddHours(23));
        var (outcome, trail) = await CheckAsync(Hourly, period: period, scope: new CheckScope(period.Since, period.Until));

        Assert.Empty(outcome.Findings);
        Assert.Equal(1, trail.SealsRead);
    }

    [Fact]
    public async Task A_period_check_follows_its_first_seals_link_to_the_day_before_and_finds_it_deleted()
    {
        _store.Now = new DateTime(2026, 3, 1, 23, 30, 0, DateTimeKind.Utc);
        _trail.Digest(new[] { Order("A") });
        var before = _sealer.Seal();
        _store.Now = _store.Now.AddMinutes(60);
        _trail.Digest(new[] { Order("B") });
        _sealer.Seal();
        _store.Delete(before.Key);
        var day = new DateTimeOffset(_store.Now.Date, TimeSpan.Zero);

        var period = new VerificationPeriod(day.AddHours(0.5), day.AddHours(2));
        var (outcome, trail) = await CheckAsync(Hourly, period: period, scope: new CheckScope(period.Since, period.Until));

        var finding = Assert.Single(outcome.Findings);
        Assert.Equal((AuditFindingKind.DigestMissing, before.Key), (finding.Kind, finding.Key));
        Assert.Contains("surviving version still counts", finding.Detail, StringComparison.Ordinal);
        Assert.Equal(2, trail.SealsRead);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Seal_findings_belong_to_one_part_and_the_parts_union_is_the_whole_check(int parts)
    {
        _trail.Digest(new[] { Order("A"), Order("B") });
        var tail = _trail.Digest(new[] { Order("C") });
        _sealer.Seal();
        _store.Now = _store.Now.AddHours(3);
        var unsignedSeal = _sealer.Seal(unsigned: true);
        _store.Erase(tail.Key);

        var whole = (await CheckAsync(Hourly)).Outcome.Findings;
        var byPart = new List<IReadOnlyList<CheckedFinding>>();
        for (var part = 0; part < parts; part++)
        {
            byPart.Add((await CheckAsync(Hourly, part: new CheckPart(part, parts))).Outcome.Findings);
        }

        static bool OnSeals(CheckedFinding f) => f.Key is { } key && (key.StartsWith(AuditKey.SealsPrefix, StringComparison.Ordinal) || key.StartsWith(AuditKey.DigestsPrefix, StringComparison.Ordinal));
        Assert.Contains(whole, f => f.Kind == AuditFindingKind.DigestMissing && f.Key == tail.Key);
        Assert.Contains(whole, f => f.Kind == AuditFindingKind.DigestMissing && f.Key == AuditKey.SealsPrefix);
        Assert.Contains(whole, f => f.Kind == AuditFindingKind.DigestUnsigned && f.Key == unsignedSeal.Key);
        Assert.Equal(whole.Count(OnSeals), byPart.Sum(p => p.Count(OnSeals)));
        Assert.Equal(Identities(whole), Identities(byPart.SelectMany(p => p)));
    }

    private static List<(AuditFindingKind, string, string?, string?, string)> Identities(IEnumerable<CheckedFinding> findings) =>
        findings.Select(f => (f.Kind, f.OrderId, f.Timestamp, f.Key, f.Detail)).OrderBy(i => i.Kind).ThenBy(i => i.OrderId, StringComparer.Ordinal)
            .ThenBy(i => i.Key, StringComparer.Ordinal).ThenBy(i => i.Detail, StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData("rate(60 minutes)", 75)]
    [InlineData("rate(2 hours)", 150)]
    [InlineData("rate(1 day)", 1800)]
    [InlineData("30", 45)]
    [InlineData("arn:aws:events:us-east-1:123456789012:rule/seal", 1800)]
    public void The_schedule_output_says_when_a_seal_is_due(string output, int dueMinutes) =>
        Assert.Equal(TimeSpan.FromMinutes(dueMinutes), SealSchedule.FromOutput(output)!.Due);

    [Fact]
    public void A_stack_without_the_schedule_output_does_not_seal() => Assert.Null(SealSchedule.FromOutput(null));
}
