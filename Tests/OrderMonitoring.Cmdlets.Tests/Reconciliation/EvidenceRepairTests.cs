using System.Text.Json;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Reconciliation.Repairs;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Tests.Reconciliation;

/// <summary>Repairs that keep the evidence: copies back, never a delete, a signed record per repair, refused when the repair key cannot sign.</summary>
public sealed class EvidenceRepairTests : IDisposable
{
    private const string Sequence = "4100000000000000000001";
    private readonly RepairHarness _repair = new();

    public void Dispose() => _repair.Dispose();

    /// <summary>A stream record of an order's INSERT, as DynamoDB Streams hands it out.</summary>
    private static StreamRecord InsertRecord(string orderId, string timestamp, string status, string sequence, string eventId) => new()
    {
        EventId = eventId,
        EventName = "INSERT",
        EventSource = "aws:dynamodb",
        Dynamodb = new StreamRecordData
        {
            SequenceNumber = sequence,
            ApproximateCreationDateTime = JsonDocument.Parse("1772323200").RootElement,
            Keys = JsonDocument.Parse($$$"""{"orderId":{"S":"{{{orderId}}}"},"timestamp":{"N":"{{{timestamp}}}"}}""").RootElement,
            NewImage = JsonDocument.Parse($$$"""{"orderId":{"S":"{{{orderId}}}"},"timestamp":{"N":"{{{timestamp}}}"},"status":{"S":"{{{status}}}"}}""").RootElement,
        },
    };

    /// <summary>The processor's audit object of the record, written to the bucket; its key and the digest's facts about it.</summary>
    private (string Key, string Version, string Sha256) Audited(StreamRecord record)
    {
        var outcome = ReadOutcome.Of(record, "dev", Orders.Processed);
        var version = _repair.Store.Put(outcome.Key, outcome.Json);
        return (outcome.Key, version, Sha256Hex.OfUtf8(outcome.Json));
    }

    private static CheckedFinding Proven(AuditFindingKind kind, string orderId, string key, string? version, string sha256, string? sequence = null, string? eventId = null) =>
        new(kind, orderId, "1", key, "test")
        {
            ProvenVersionId = version,
            DigestKey = "digests/2026-03-01/chain-a/000000000001.json",
            DigestedSha256 = sha256,
            SequenceNumber = sequence,
            EventId = eventId,
        };

    [Fact]
    public async Task A_deleted_object_gets_its_proven_version_copied_back_with_a_signed_record_and_its_delete_marker_stays()
    {
        var (key, version, sha) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        _repair.Store.Delete(key);

        var (repairs, reporter) = await _repair.RepairAsync([Proven(AuditFindingKind.DeletedAudit, "ORD-1", key, version, sha)], restoreTampered: false);

        Assert.Empty(reporter.Failures);
        var repair = Assert.Single(repairs);
        Assert.Equal((RepairRecord.CopiedProvenVersion, key, version, true, RepairHarness.Caller, sha), (repair.Action, repair.Key, repair.Source, repair.DigestProven, repair.CallerArn, repair.WrittenSha256));
        Assert.Equal(new[] { version, "marker", repair.VersionId }, _repair.Store.History(key).Select(v => v.Text is null ? "marker" : v.VersionId));
        var record = Assert.Single(_repair.Records());
        Assert.Equal(repair.RepairRecordKey, record.StorageKey);
        Assert.StartsWith("repairs/2026-03-02/", record.StorageKey, StringComparison.Ordinal);
        Assert.Equal(("DeletedAudit", key, sha, key, repair.VersionId, sha, version, RepairHarness.Caller), (record.Finding, record.Key, record.DigestedSha256, record.WrittenKey, record.WrittenVersionId, record.WrittenSha256, record.Source, record.CallerArn));
        Assert.Equal(DigestSignatureCheck.Valid, new DigestVerifier(_repair.Signer.PublicKey).CheckSignature(record));
        Assert.Equal(_repair.Signer.KeyId, record.Signature!.KeyId);
    }

    [Fact]
    public async Task An_overwritten_object_gets_its_proven_version_copied_back_without_RestoreTampered_and_the_forged_version_stays()
    {
        var (key, version, sha) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        var forged = _repair.Store.Put(key, _repair.Store.Current(key)!.Replace("NEW", "SHIPPED", StringComparison.Ordinal));

        var repair = Assert.Single((await _repair.RepairAsync([Proven(AuditFindingKind.TamperedAudit, "ORD-1", key, version, sha)], restoreTampered: false)).Repairs);

        Assert.Equal(sha, Sha256Hex.OfUtf8(_repair.Store.Current(key)!));
        Assert.Equal(new[] { version, forged, repair.VersionId }, _repair.Store.History(key).Select(v => v.VersionId));
    }

    [Fact]
    public async Task With_versioning_suspended_an_overwrite_kept_as_the_null_version_is_left_alone_because_a_copy_would_replace_it()
    {
        var (key, version, sha) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        _repair.Store.PutWhileSuspended(key, _repair.Store.Current(key)!.Replace("NEW", "SHIPPED", StringComparison.Ordinal));
        _repair.VersioningStatus = "Suspended";
        var before = _repair.Store.History(key).Select(v => (v.VersionId, v.Text)).ToList();

        var (repairs, reporter) = await _repair.RepairAsync([Proven(AuditFindingKind.TamperedAudit, "ORD-1", key, version, sha)], restoreTampered: false);

        Assert.Empty(repairs);
        Assert.Equal(before, _repair.Store.History(key).Select(v => (v.VersionId, v.Text)).ToList());
        Assert.Empty(_repair.Records());
        Assert.Contains(reporter.Warnings, warning => warning.Contains("Suspended", StringComparison.Ordinal) && warning.Contains("\"null\" version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_versioning_suspended_an_object_without_a_null_version_is_still_restored_as_a_new_version()
    {
        var (key, version, sha) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        var forged = _repair.Store.Put(key, _repair.Store.Current(key)!.Replace("NEW", "SHIPPED", StringComparison.Ordinal));
        _repair.VersioningStatus = "Suspended";

        var repair = Assert.Single((await _repair.RepairAsync([Proven(AuditFindingKind.TamperedAudit, "ORD-1", key, version, sha)], restoreTampered: false)).Repairs);

        Assert.Equal(sha, Sha256Hex.OfUtf8(_repair.Store.Current(key)!));
        Assert.Equal(new[] { version, forged }, _repair.Store.History(key).Take(2).Select(v => v.VersionId));
        Assert.Equal(RepairRecord.CopiedProvenVersion, repair.Action);
    }

    [Fact]
    public async Task An_overwrite_no_digest_covers_needs_RestoreTampered_and_is_said_to_be_unproven()
    {
        var (key, first, _) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        _repair.Store.Put(key, "forged");
        var finding = new CheckedFinding(AuditFindingKind.TamperedAudit, "ORD-1", "1", key, "test") { FirstVersionId = first };

        var (without, reporter) = await _repair.RepairAsync([finding], restoreTampered: false);
        Assert.Empty(without);
        Assert.Contains(reporter.Warnings, w => w.Contains("-RestoreTampered", StringComparison.Ordinal));
        Assert.Equal(0, _repair.Store.Writes);

        var repair = Assert.Single((await _repair.RepairAsync([finding], restoreTampered: true)).Repairs);
        Assert.Equal((RepairRecord.CopiedUnprovenVersion, first, false), (repair.Action, repair.Source, repair.DigestProven));
        Assert.Contains("not digest-proven", repair.Note, StringComparison.Ordinal);
        Assert.Null(Assert.Single(_repair.Records()).DigestedSha256);
    }

    [Fact]
    public async Task A_delete_marker_no_digest_covers_gets_the_newest_surviving_version_copied_back()
    {
        var (key, _, _) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        var newest = _repair.Store.Put(key, _repair.Store.Current(key)! + " ");
        _repair.Store.Delete(key);

        var repair = Assert.Single((await _repair.RepairAsync([new CheckedFinding(AuditFindingKind.DeletedAudit, "ORD-1", "1", key, "test")], restoreTampered: false)).Repairs);

        Assert.Equal((RepairRecord.CopiedUnprovenVersion, newest), (repair.Action, repair.Source));
        Assert.Equal(4, _repair.Store.History(key).Count);
    }

    [Fact]
    public async Task Repairing_the_same_finding_again_writes_nothing()
    {
        var (key, version, sha) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        _repair.Store.Delete(key);
        var finding = Proven(AuditFindingKind.DeletedAudit, "ORD-1", key, version, sha);
        Assert.Single((await _repair.RepairAsync([finding])).Repairs);
        var writes = _repair.Store.Writes;

        var (again, reporter) = await _repair.RepairAsync([finding]);

        Assert.Empty(again);
        Assert.Empty(reporter.Failures);
        Assert.Equal(writes, _repair.Store.Writes);
    }

    [Fact]
    public async Task A_repair_key_that_cannot_sign_refuses_the_repair_before_anything_is_written()
    {
        var (key, version, sha) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        _repair.Store.Delete(key);
        _repair.Signer.FailWhen = _ => true;

        var refused = await Assert.ThrowsAsync<OrderMonitoringException>(() => _repair.RepairAsync([Proven(AuditFindingKind.DeletedAudit, "ORD-1", key, version, sha)]));

        Assert.Equal((RepairKey.UnusableErrorId, FailureKind.InvalidState), (refused.ErrorId, refused.Kind));
        Assert.Contains(_repair.Signer.KeyId, refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, _repair.Store.Writes);
        Assert.Null(_repair.Store.Current(key));
    }

    [Fact]
    public async Task A_stack_without_a_repair_key_is_refused_before_anything_is_written()
    {
        _repair.RepairKeyArn = null;
        _repair.Table.Items.Add(Orders.Item("ORD-1", "1", "NEW"));
        var missing = new CheckedFinding(AuditFindingKind.MissingAudit, "ORD-1", "1", null, "test") { Item = _repair.Table.Items[0] };

        var refused = await Assert.ThrowsAsync<OrderMonitoringException>(() => _repair.RepairAsync([missing]));

        Assert.Equal(RepairKey.UnusableErrorId, refused.ErrorId);
        Assert.Equal(0, _repair.Store.Writes);
    }

    [Fact]
    public async Task A_record_that_cannot_be_signed_after_the_probe_is_stored_unsigned_and_reported()
    {
        var (key, version, sha) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        _repair.Store.Delete(key);
        _repair.Signer.FailWhen = call => call > 1;

        var (repairs, reporter) = await _repair.RepairAsync([Proven(AuditFindingKind.DeletedAudit, "ORD-1", key, version, sha)]);

        Assert.Single(repairs);
        var failure = Assert.Single(reporter.Failures);
        Assert.Equal("RepairRecordUnsigned", Assert.IsType<OrderMonitoringException>(failure.Error).ErrorId);
        var record = Assert.Single(_repair.Records());
        Assert.Null(record.Signature);
        Assert.Contains("failed", record.Unsigned, StringComparison.Ordinal);
    }

    [Fact]
    public void The_audit_store_has_no_way_to_delete()
    {
        Assert.DoesNotContain(typeof(IAuditVersionStore).GetMethods(), method => method.Name.Contains("Delete", StringComparison.Ordinal));
        Assert.DoesNotContain(typeof(S3AuditVersionStore).GetMethods(), method => method.Name.Contains("Delete", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_proven_version_that_no_longer_has_the_digested_bytes_is_not_copied()
    {
        var (key, version, _) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        _repair.Store.Delete(key);

        var (repairs, reporter) = await _repair.RepairAsync([Proven(AuditFindingKind.DeletedAudit, "ORD-1", key, version, new string('0', 64))]);

        Assert.Empty(repairs);
        Assert.Equal("ProvenVersionChanged", Assert.IsType<OrderMonitoringException>(Assert.Single(reporter.Failures).Error).ErrorId);
        Assert.Null(_repair.Store.Current(key));
    }

    [Fact]
    public async Task No_history_is_written_for_an_order_the_same_check_found_a_forged_object_of_but_restores_still_happen()
    {
        foreach (var id in new[] { "ORD-1", "ORD-2" })
        {
            _repair.Table.Items.Add(Orders.Item(id, "1", "NEW"));
        }

        var (key, version, sha) = Audited(InsertRecord("ORD-1", "2", "NEW", Sequence, "e1"));
        _repair.Store.Delete(key);
        var gaps = _repair.Table.Items.Select(item => new CheckedFinding(AuditFindingKind.MissingAudit, item.OrderId, "1", null, "test") { Item = item }).ToList();
        var forged = new CheckedFinding(AuditFindingKind.ForgedAudit, "ORD-1", null, AuditKey.OrderPrefix("ORD-1") + "forged.json", "in no digest");
        var restore = Proven(AuditFindingKind.DeletedAudit, "ORD-1", key, version, sha);

        var (repairs, reporter) = await _repair.RepairAsync([.. gaps, restore], checkFindings: [.. gaps, restore, forged]);

        Assert.Equal(new[] { ("DeletedAudit", "ORD-1"), ("MissingAudit", "ORD-2") }, repairs.Select(r => (r.Kind.ToString(), r.OrderId)));
        Assert.Contains(reporter.Warnings, w => w.StartsWith("MissingAudit ORD-1", StringComparison.Ordinal) && w.Contains("ForgedAudit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_digest_finding_that_names_no_order_leaves_every_order_without_new_history()
    {
        _repair.Table.Items.Add(Orders.Item("ORD-2", "1", "NEW"));
        var gap = new CheckedFinding(AuditFindingKind.MissingAudit, "ORD-2", "1", null, "test") { Item = _repair.Table.Items[0] };
        var digest = new CheckedFinding(AuditFindingKind.DigestMissing, "", null, "digests/2026-03-01/chain-a/000000000002.json", "gone");

        var (repairs, reporter) = await _repair.RepairAsync([gap], checkFindings: [gap, digest]);

        Assert.Empty(repairs);
        Assert.Contains(reporter.Warnings, w => w.Contains("DigestMissing", StringComparison.Ordinal) && w.Contains("names no order", StringComparison.Ordinal));
        Assert.Equal(0, _repair.Store.Writes);
        Assert.Equal(0, _repair.Signer.Calls);
    }

    [Fact]
    public async Task Every_version_gone_restores_the_record_from_the_stream_as_the_processor_writes_it()
    {
        var record = InsertRecord("ORD-1", "1", "NEW", Sequence, "e1");
        var (key, _, sha) = Audited(record);
        var original = _repair.Store.Current(key)!;
        _repair.Store.Purge(key);
        AddShard("shard-1", "4000000000000000000000", null, record);

        var finding = Proven(AuditFindingKind.DeletedAudit, "ORD-1", key, null, sha, Sequence, "e1");
        var repair = Assert.Single((await _repair.RepairAsync([finding])).Repairs);

        Assert.Equal((RepairRecord.RestoredFromStream, key, Sequence, true), (repair.Action, repair.Key, repair.Source, repair.DigestProven));
        var restored = _repair.Store.Current(key)!;
        Assert.True(Parse(restored, key).HasSameFactsAs(Parse(original, key)));
        Assert.Equal(Sha256Hex.OfUtf8(restored), Assert.Single(_repair.Records()).WrittenSha256);
        Assert.Contains(_repair.Streams.IteratorRequests, r => r.ShardIteratorType == ShardIteratorType.AT_SEQUENCE_NUMBER && r.ShardId == "shard-1");
    }

    [Fact]
    public async Task A_record_the_stream_no_longer_holds_becomes_a_reconciliation_record_saying_the_original_is_lost()
    {
        var record = InsertRecord("ORD-1", "1", "NEW", Sequence, "e1");
        var (key, _, sha) = Audited(record);
        _repair.Store.Purge(key);
        _repair.Table.Items.Add(Orders.Item("ORD-1", "1", "PAID"));
        // The shard's range holds the number, but a record with another event id sits there (not the one the digest names).
        AddShard("shard-1", "4000000000000000000000", "4200000000000000000000", InsertRecord("ORD-1", "1", "NEW", Sequence, "other"));

        var repair = Assert.Single((await _repair.RepairAsync([Proven(AuditFindingKind.DeletedAudit, "ORD-1", key, null, sha, Sequence, "e1")])).Repairs);

        Assert.Equal((RepairRecord.WroteReconciliationRecord, false), (repair.Action, repair.DigestProven));
        Assert.Contains("original is lost", repair.Note, StringComparison.Ordinal);
        var written = Parse(_repair.Store.Current(repair.Key)!, repair.Key);
        Assert.Equal(("PAID", "DeletedAudit"), (written.Status, written.Reconciled));
        Assert.True(string.CompareOrdinal(repair.Key, key) > 0);
        var vouched = Assert.Single(_repair.Records());
        Assert.Equal((key, repair.Key, sha), (vouched.Key, vouched.WrittenKey, vouched.DigestedSha256));
    }

    [Fact]
    public async Task A_lost_record_is_not_written_again_for_an_order_whose_history_is_not_proven()
    {
        var (key, _, sha) = Audited(InsertRecord("ORD-1", "1", "NEW", Sequence, "e1"));
        _repair.Store.Purge(key);
        _repair.Table.Items.Add(Orders.Item("ORD-1", "1", "PAID"));
        var finding = Proven(AuditFindingKind.DeletedAudit, "ORD-1", key, null, sha, Sequence, "e1");
        var forged = new CheckedFinding(AuditFindingKind.ForgedAudit, "ORD-1", null, AuditKey.OrderPrefix("ORD-1") + "x.json", "in no digest");

        var (repairs, reporter) = await _repair.RepairAsync([finding], checkFindings: [finding, forged]);

        Assert.Empty(repairs);
        Assert.Contains(reporter.Warnings, w => w.Contains("ForgedAudit", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("4000000000000000000000", null, true)]
    [InlineData("4000000000000000000000", "4100000000000000000000", false)]
    [InlineData("4200000000000000000000", null, false)]
    [InlineData("99", "4100000000000000000001", true)]
    public void A_shard_holds_a_sequence_number_by_number_not_by_text(string start, string? end, bool holds) =>
        Assert.Equal(holds, StreamRecordFinder.Holds(new SequenceNumberRange { StartingSequenceNumber = start, EndingSequenceNumber = end }, Sequence));

    private void AddShard(string id, string start, string? end, params StreamRecord[] records) =>
        _repair.Streams.Shards.Add((new Shard { ShardId = id, SequenceNumberRange = new SequenceNumberRange { StartingSequenceNumber = start, EndingSequenceNumber = end } }, records.ToList()));

    private static AuditDocument Parse(string json, string key) => AuditDocument.Parse(json, AuditDocumentKind.Audit, key);
}
