using System.Globalization;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Tests.Reconciliation;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using Sample = OrderMonitoring.Cmdlets.Tests.Reconciliation.Orders;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>Test-OrderAuditLog's verification against signed digests: every kind, with a fake bucket and a local signing key.</summary>
public sealed class VerificationTests : IDisposable
{
    private readonly FakeVersionStore _store = new() { PageSize = 9 };
    private readonly FakeItemSource _table = new() { PageSize = 5 };
    private readonly SignedTrail _trail;
    private int _sequence = 1000;

    public VerificationTests() => _trail = new SignedTrail(_store);

    public void Dispose() => _trail.Dispose();

    /// <summary>An item written and audited (INSERT); returns the audit key.</summary>
    private string Order(string orderId, string timestamp = "1772366400000", string status = "PENDING")
    {
        var item = Sample.Item(orderId, timestamp, status);
        _table.Items.Add(item);
        return _store.Audited(item, "INSERT", (_sequence++).ToString(CultureInfo.InvariantCulture));
    }

    private async Task<CheckOutcome> CheckAsync(VerificationPeriod? period = null, CheckScope? scope = null, CheckPart? part = null)
    {
        var verified = await new TrailVerifier(_store, _trail.Keys, TimeProvider.System).VerifyAsync("b", period ?? VerificationPeriod.WholeTrail, default);
        var checker = new AuditLogChecker(_table, _store, new CheckOptions(ScanSegments: 2, MaxParallelOrders: 3, MaxParallelReads: 2), TimeProvider.System);
        return await checker.CheckAsync(new CheckRequest("orders", "b", null, scope ?? new CheckScope(), verified, part), NullOperationReporter.Instance, default);
    }

    private static (AuditFindingKind, string?)[] Kinds(CheckOutcome outcome) => outcome.Findings.Select(f => (f.Kind, f.Key)).ToArray();

    [Fact]
    public async Task A_trail_whose_digests_list_every_object_is_complete()
    {
        var keys = Enumerable.Range(0, 12).Select(i => Order($"ORD-{i:D2}")).ToList();
        _trail.Digest(keys.Take(5));
        _trail.Digest(keys.Skip(5));

        var outcome = await CheckAsync();

        Assert.Empty(outcome.Findings);
        Assert.Equal(12, outcome.AuditObjects);
    }

    [Fact]
    public async Task An_overwritten_object_is_TamperedAudit_naming_the_proven_version_and_its_facts_still_count()
    {
        var key = Order("A");
        _trail.Digest(new[] { key });
        var original = _store.VersionIds(key)[0];
        _store.Put(key, _store.Current(key)!.Replace("PENDING", "SHIPPED", StringComparison.Ordinal));

        var finding = Assert.Single((await CheckAsync()).Findings);

        Assert.Equal((AuditFindingKind.TamperedAudit, key, original), (finding.Kind, finding.Key, finding.ProvenVersionId));
        Assert.NotNull(finding.DigestKey);
        Assert.Equal(Sha256Hex.Of(System.Text.Encoding.UTF8.GetBytes(Sample.Audit(Sample.Item("A", "1772366400000", "PENDING"), "INSERT", "1000").Json)), finding.DigestedSha256);
        Assert.Equal(("1000", "evt-1000"), (finding.SequenceNumber, finding.EventId));
    }

    [Fact]
    public async Task The_proven_version_is_found_by_S3s_stored_checksum_without_reading_it()
    {
        _store.KeepsChecksums = true;
        var key = Order("A");
        _trail.Digest(new[] { key });
        _store.Put(key, "{\"forged\":true}");
        var reads = _store.Reads;

        var finding = Assert.Single((await CheckAsync()).Findings);

        Assert.Equal(AuditFindingKind.TamperedAudit, finding.Kind);
        Assert.True(_store.ChecksumReads > 0);
    }

    [Fact]
    public async Task A_delete_marker_is_DeletedAudit_with_the_version_to_copy_back()
    {
        var key = Order("A");
        _trail.Digest(new[] { key });
        _store.Delete(key);

        var finding = Assert.Single((await CheckAsync()).Findings);

        Assert.Equal((AuditFindingKind.DeletedAudit, _store.VersionIds(key)[0]), (finding.Kind, finding.ProvenVersionId));
    }

    [Fact]
    public async Task A_key_with_every_version_deleted_is_DeletedAudit_and_nothing_else()
    {
        var kept = Order("A", "1");
        var erased = Order("B", "2");
        var alone = Order("C", "3");
        _trail.Digest(new[] { kept, erased, alone });
        _store.Erase(erased);
        _store.Erase(alone);
        _table.Items.RemoveAll(i => i.OrderId == "C");

        var outcome = await CheckAsync();

        Assert.Equal(new[] { (AuditFindingKind.DeletedAudit, (string?)erased), (AuditFindingKind.DeletedAudit, alone) }.OrderBy(k => k.Item2),
            Kinds(outcome).OrderBy(k => k.Item2));
        Assert.All(outcome.Findings, f => Assert.Contains("every version deleted", f.Detail, StringComparison.Ordinal));
        Assert.All(outcome.Findings, f => Assert.Null(f.ProvenVersionId));
    }

    [Fact]
    public async Task An_object_written_behind_the_processors_back_is_ForgedAudit_and_never_supplies_facts()
    {
        var key = Order("A");
        _trail.Digest(new[] { key });
        // A later MODIFY written by hand: if its facts counted, the PENDING item would look stale.
        var (forgedKey, forgedJson) = Sample.Audit(Sample.Item("A", "1772366400000", "SHIPPED"), "MODIFY", "99999");
        _store.Put(forgedKey, forgedJson);
        var reconciliationShaped = AuditKey.ForReconciliation("A", "1000", "1772366400000", "MODIFY", "{}");
        _store.Put(reconciliationShaped, forgedJson);

        var outcome = await CheckAsync();

        Assert.Equal(new[] { (AuditFindingKind.ForgedAudit, (string?)forgedKey), (AuditFindingKind.ForgedAudit, reconciliationShaped) }.OrderBy(k => k.Item2, StringComparer.Ordinal),
            Kinds(outcome).OrderBy(k => k.Item2, StringComparer.Ordinal));
        Assert.Contains("reconciliation record", outcome.Findings.Single(f => f.Key == reconciliationShaped).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_object_in_the_quarantine_is_ForgedAudit()
    {
        _trail.Digest(new[] { Order("A") });
        _store.Put(AuditKey.QuarantinePrefix + "0000000000000000000000000000000000000042.json", "{}");

        var finding = Assert.Single((await CheckAsync()).Findings);

        Assert.Equal(AuditFindingKind.ForgedAudit, finding.Kind);
    }

    [Fact]
    public async Task Objects_written_before_the_first_digest_are_one_Unsigned_finding_and_the_check_stays_complete()
    {
        Order("OLD-1");
        Order("OLD-2");
        _trail.Digest(new[] { Order("NEW") });

        var outcome = await CheckAsync();

        var finding = Assert.Single(outcome.Findings);
        Assert.Equal(AuditFindingKind.Unsigned, finding.Kind);
        Assert.StartsWith("2 audit object(s)", finding.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(outcome.Findings, f => !AuditFindingKinds.History.Contains(f.Kind));
    }

    [Fact]
    public async Task A_deleted_digest_is_DigestMissing_and_its_surviving_version_still_vouches_for_its_objects()
    {
        var digest = _trail.Digest(new[] { Order("A") });
        _trail.Digest(new[] { Order("B") });
        _store.Delete(digest.Key);

        var finding = Assert.Single((await CheckAsync()).Findings);

        Assert.Equal((AuditFindingKind.DigestMissing, digest.Key), (finding.Kind, finding.Key));
    }

    [Fact]
    public async Task A_digest_erased_whole_is_DigestMissing_through_the_next_digests_link()
    {
        var digest = _trail.Digest(new[] { Order("A") });
        _trail.Digest(new[] { Order("B") });
        _store.Erase(digest.Key);

        var outcome = await CheckAsync();

        Assert.Contains((AuditFindingKind.DigestMissing, digest.Key), Kinds(outcome));
        // Its object is then in no digest: written after the trail's first digest that is left? It was first: history.
        Assert.DoesNotContain(outcome.Findings, f => f.Kind == AuditFindingKind.ForgedAudit && f.Key!.StartsWith("orders/B/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_digest_is_DigestInvalid()
    {
        var key = Order("A");
        var digest = _trail.Digest(new[] { key });
        _store.Put(digest.Key, digest.ToJson().Replace(digest.Objects[0].Sha256, new string('0', 64), StringComparison.Ordinal));

        var outcome = await CheckAsync();

        Assert.Contains((AuditFindingKind.DigestInvalid, digest.Key), Kinds(outcome));
        // The earlier version of the digest verifies: the object stays proven.
        Assert.DoesNotContain(outcome.Findings, f => f.Key == key);
    }

    [Fact]
    public async Task A_malformed_digest_is_DigestInvalid_and_the_check_goes_on()
    {
        _trail.Digest(new[] { Order("A") });
        _store.Put(AuditKey.DigestsPrefix + "2026-03-01/x/000000000001.json", "{\"schemaVersion\":\"1\"}");

        var outcome = await CheckAsync();

        Assert.Equal(new[] { (AuditFindingKind.DigestInvalid, (string?)(AuditKey.DigestsPrefix + "2026-03-01/x/000000000001.json")) }, Kinds(outcome));
    }

    [Fact]
    public async Task A_link_to_other_bytes_than_the_previous_digests_is_DigestInvalid()
    {
        var first = _trail.Digest(new[] { Order("A") });
        var second = _trail.Digest(new[] { Order("B") });
        // Re-signed by the key holder with a wrong link: the signature verifies, the chain does not.
        var relinked = _trail.Signed(second with { Previous = new DigestLink(first.Key, new string('1', 64)) });
        _store.Put(second.Key, relinked.ToJson());

        var outcome = await CheckAsync();

        var finding = Assert.Single(outcome.Findings);
        Assert.Equal((AuditFindingKind.DigestInvalid, second.Key), (finding.Kind, finding.Key));
        Assert.Contains("chain is broken", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsigned_digest_sealed_by_the_next_signed_one_is_proven_and_a_trailing_one_is_DigestUnsigned()
    {
        _trail.Digest(new[] { Order("A") }, unsigned: true);
        _trail.Digest(new[] { Order("B") });
        Assert.Empty((await CheckAsync()).Findings);

        var trailing = _trail.Digest(new[] { Order("C") }, unsigned: true);
        var finding = Assert.Single((await CheckAsync()).Findings);
        Assert.Equal((AuditFindingKind.DigestUnsigned, trailing.Key), (finding.Kind, finding.Key));
    }

    [Fact]
    public async Task Tampering_with_an_old_order_is_reported_by_a_period_check_whatever_the_items_timestamp()
    {
        var old = Order("A", timestamp: "1000");
        _trail.Digest(new[] { old });
        _store.Put(old, "{\"overwritten\":true}");
        var day = new DateTimeOffset(_store.Now, TimeSpan.Zero);

        var outcome = await CheckAsync(new VerificationPeriod(day.AddHours(-1), day.AddHours(1)), new CheckScope(day.AddHours(-1), day.AddHours(1)));

        Assert.Equal(new[] { (AuditFindingKind.TamperedAudit, (string?)old) }, Kinds(outcome));
    }

    [Fact]
    public async Task A_period_check_reads_only_the_orders_its_digests_or_window_touch()
    {
        for (var i = 0; i < 30; i++)
        {
            Order($"DAY1-{i:D2}");
        }

        _trail.Digest(_store.Keys(AuditKey.OrdersPrefix));
        _store.Now = _store.Now.AddDays(2);
        _trail.Chain = "20260303T120000Z-bbbbbbbbbbbb";
        var today = Order("DAY3", timestamp: "1772539200000");
        _trail.Digest(new[] { today });
        var readsBefore = _store.Reads;
        var day = new DateTimeOffset(_store.Now, TimeSpan.Zero);

        var outcome = await CheckAsync(new VerificationPeriod(day.AddHours(-1), day), new CheckScope(day.AddHours(-1), day));

        Assert.Empty(outcome.Findings);
        // The day's digest, its order and the first-digest lookup: not the 30 orders of the first day.
        Assert.True(_store.Reads - readsBefore < 10, $"{_store.Reads - readsBefore} reads");
    }

    [Fact]
    public async Task A_signed_repair_record_vouches_for_what_it_wrote_and_for_an_original_it_says_is_lost()
    {
        var kept = Order("A", "1");
        var lost = Order("B", "2");
        _trail.Digest(new[] { kept, lost });
        _store.Erase(lost);
        var reconciliation = AuditKey.ForReconciliation("B", "1001", "2", "INSERT", "{}");
        var (_, json) = Sample.Audit(Sample.Item("B", "2", "PENDING"), "INSERT", "1001");
        _store.Put(reconciliation, json);
        _trail.Repair(new RepairRecord
        {
            Environment = "dev", Finding = nameof(AuditFindingKind.DeletedAudit), Key = lost, Action = RepairRecord.WroteReconciliationRecord,
            WrittenKey = reconciliation, WrittenSha256 = Sha256Hex.Of(System.Text.Encoding.UTF8.GetBytes(json)), CallerArn = "arn:aws:iam::123456789012:user/op",
            RepairedAt = new DateTimeOffset(_store.Now, TimeSpan.Zero),
        });

        Assert.Empty((await CheckAsync()).Findings);
    }

    [Fact]
    public async Task A_repair_record_not_signed_by_the_repair_key_vouches_for_nothing()
    {
        _trail.Digest(new[] { Order("A") });
        var written = AuditKey.ForReconciliation("A", "1000", "1772366400000", "MODIFY", "{}");
        _store.Put(written, "{}");
        var record = _trail.Repair(new RepairRecord
        {
            Environment = "dev", Finding = nameof(AuditFindingKind.MissingAudit), Key = written, Action = RepairRecord.WroteReconciliationRecord,
            WrittenKey = written, WrittenSha256 = Sha256Hex.Of(System.Text.Encoding.UTF8.GetBytes("{}")), CallerArn = "x", RepairedAt = DateTimeOffset.UnixEpoch,
        }, withDigestKey: true);

        var outcome = await CheckAsync();

        Assert.Equal(new[] { (AuditFindingKind.DigestInvalid, (string?)record.StorageKey), (AuditFindingKind.ForgedAudit, written) }.OrderBy(k => k.Item1),
            Kinds(outcome).OrderBy(k => k.Item1));
    }

    [Fact]
    public async Task A_malformed_audit_object_a_digest_lists_is_one_UnreadableAudit_finding()
    {
        var good = Order("A");
        _store.Put(AuditKey.ForRecord("B", "5"), "{\"schemaVersion\":\"1\"}");
        _trail.Digest(new[] { good, AuditKey.ForRecord("B", "5") });

        var outcome = await CheckAsync();

        Assert.Equal(new[] { (AuditFindingKind.UnreadableAudit, (string?)AuditKey.ForRecord("B", "5")) }, Kinds(outcome));
    }

    [Fact]
    public async Task An_object_larger_than_any_audit_document_is_one_UnreadableAudit_finding()
    {
        var key = Order("A");
        _trail.Digest(new[] { key });
        _store.Put(key, "{\"padding\":\"" + new string('x', (int)OrderAuditTrailReader.MaxAuditObjectBytes) + "\"}");

        var outcome = await CheckAsync();

        var finding = Assert.Single(outcome.Findings, f => f.Kind == AuditFindingKind.UnreadableAudit);
        Assert.Contains("more than", finding.Detail, StringComparison.Ordinal);
        // An older version has the digested bytes: the object was replaced too.
        Assert.Contains(outcome.Findings, f => f.Kind == AuditFindingKind.TamperedAudit && f.ProvenVersionId is not null);
    }

    [Fact]
    public async Task An_object_from_before_versioning_is_judged_like_the_others()
    {
        var item = Sample.Item("A", "1772366400000", "PENDING");
        _table.Items.Add(item);
        var (key, json) = Sample.Audit(item, "INSERT", "1000");
        _store.PutUnversioned(key, json);
        _trail.Digest(new[] { key });
        _store.Put(key, json.Replace("PENDING", "SHIPPED", StringComparison.Ordinal));

        var finding = Assert.Single((await CheckAsync()).Findings);

        Assert.Equal((AuditFindingKind.TamperedAudit, "null"), (finding.Kind, finding.ProvenVersionId));
    }

    [Fact]
    public async Task A_period_check_judges_undigested_objects_first_written_inside_it_and_leaves_older_ones_to_their_own_period()
    {
        var old = Order("A", timestamp: "1");
        _trail.Digest(new[] { old });
        // A forgery stating what the table holds: outside the period it is compared like any object, and judged by the whole check.
        var (olderForgery, olderJson) = Sample.Audit(Sample.Item("A", "1", "PENDING"), "INSERT", "5");
        _store.Put(olderForgery, olderJson);
        _store.Now = _store.Now.AddDays(3);
        _trail.Chain = "20260304T120000Z-cccccccccccc";
        var today = Order("A", timestamp: "2");
        _trail.Digest(new[] { today });
        var newForgery = AuditKey.ForRecord("A", "99999");
        _store.Put(newForgery, "{}");
        var day = new DateTimeOffset(_store.Now, TimeSpan.Zero);

        var period = await CheckAsync(new VerificationPeriod(day.AddHours(-1), day.AddHours(1)), new CheckScope(day.AddHours(-1), day.AddHours(1)));
        var whole = await CheckAsync();

        Assert.True(Kinds(period).SequenceEqual(new[] { (AuditFindingKind.ForgedAudit, (string?)newForgery) }), string.Join("\n", period.Findings.Select(f => f.Kind + " " + f.Detail)));
        Assert.Equal(new[] { olderForgery, newForgery }.OrderBy(k => k, StringComparer.Ordinal),
            whole.Findings.Where(f => f.Kind == AuditFindingKind.ForgedAudit).Select(f => f.Key!).OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_item_as_deep_and_large_as_DynamoDB_stores_is_verified_and_compared()
    {
        // 32 levels of maps (DynamoDB's limit) and about 400 KB in one attribute, in both images of a MODIFY.
        var nested = new System.Text.Json.Nodes.JsonObject { ["S"] = "leaf" };
        for (var level = 0; level < 31; level++)
        {
            nested = new System.Text.Json.Nodes.JsonObject { ["M"] = new System.Text.Json.Nodes.JsonObject { ["n"] = nested } };
        }

        var extra = new System.Text.Json.Nodes.JsonObject { ["deep"] = nested, ["notes"] = new System.Text.Json.Nodes.JsonObject { ["S"] = new string('x', 395_000) } };
        var before = Sample.Item("BIG", "1", "PENDING", extra);
        var after = Sample.Item("BIG", "1", "SHIPPED", extra);
        _table.Items.Add(after);
        var keys = new[] { _store.Audited(before, "INSERT", "5000"), _store.Audited(after, "MODIFY", "5001", old: before) };
        _trail.Digest(keys);

        var outcome = await CheckAsync();

        Assert.Empty(outcome.Findings);
        Assert.Equal(2, outcome.AuditObjects);
    }
}
