using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Tests.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Reconciliation;

/// <summary>The whole-table check (Scan segments, pages, orders left only in the bucket) and the repair that follows it.</summary>
public sealed class AuditLogCheckerTests : IDisposable
{
    private readonly FakeVersionStore _store = new() { PageSize = 7 };
    private readonly FakeItemSource _table = new() { PageSize = 5 };
    private readonly RepairHarness _repair;

    public AuditLogCheckerTests() => _repair = new RepairHarness { Store = _store, Table = _table };

    public void Dispose() => _repair.Dispose();

    private AuditLogChecker Checker() => new(_table, _store, new CheckOptions(ScanSegments: 3, MaxParallelOrders: 4, MaxParallelReads: 2), TimeProvider.System);

    private static CheckRequest Everything => new("orders", "b", null, new CheckScope());

    /// <summary>Orders with three audited items each, the way the processor leaves them.</summary>
    private void Healthy(int orders)
    {
        var sequence = 1000;
        for (var o = 0; o < orders; o++)
        {
            for (var t = 1; t <= 3; t++)
            {
                var item = Orders.Item($"ORD-{o:D3}", t.ToString(System.Globalization.CultureInfo.InvariantCulture), "PENDING");
                _table.Items.Add(item);
                _store.Audited(item, "INSERT", (sequence++).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    [Fact]
    public async Task Every_order_is_counted_once_across_segments_and_pages()
    {
        Healthy(40);
        var reporter = new RecordingReporter();

        var outcome = await Checker().CheckAsync(Everything, reporter, default);

        Assert.Empty(outcome.Findings);
        Assert.Equal((40, 120, 120), (outcome.Orders, outcome.Items, outcome.AuditObjects));
        Assert.True(reporter.Progress.Last().Completed);
    }

    [Fact]
    public async Task An_order_left_only_in_the_bucket_is_checked_too()
    {
        Healthy(3);
        var gone = Orders.Item("GONE", "1", "SHIPPED");
        _store.Audited(gone, "INSERT", "5000");

        var outcome = await Checker().CheckAsync(Everything, NullOperationReporter.Instance, default);

        var finding = Assert.Single(outcome.Findings);
        Assert.Equal((AuditFindingKind.MissingRemove, "GONE"), (finding.Kind, finding.OrderId));
        Assert.Equal(4, outcome.Orders);
    }

    [Fact]
    public async Task An_order_whose_items_a_scan_returns_apart_is_checked_again_whole()
    {
        Healthy(2);
        // The same order's items separated by another order within one segment.
        var late = Orders.Item("ORD-000", "9", "PENDING");
        _table.Items.Add(late);
        _store.Audited(late, "INSERT", "9000");

        var outcome = await new AuditLogChecker(_table, _store, new CheckOptions(ScanSegments: 1), TimeProvider.System)
            .CheckAsync(Everything, NullOperationReporter.Instance, default);

        Assert.Empty(outcome.Findings);
        Assert.Equal((2, 7, 7), (outcome.Orders, outcome.Items, outcome.AuditObjects));
    }

    [Fact]
    public async Task A_loose_object_under_the_orders_prefix_is_UnreadableAudit()
    {
        Healthy(1);
        _store.Put(AuditKey.OrdersPrefix + "notes.json", "hello");

        var finding = Assert.Single((await Checker().CheckAsync(Everything, NullOperationReporter.Instance, default)).Findings);

        Assert.Equal((AuditFindingKind.UnreadableAudit, "orders/notes.json"), (finding.Kind, finding.Key));
    }

    [Fact]
    public async Task Repair_fixes_every_repairable_kind_and_a_second_repair_writes_nothing()
    {
        Healthy(6);
        var deletedKey = AuditKey.ForRecord("ORD-000", "1000");
        _store.Delete(deletedKey);
        var tamperedKey = AuditKey.ForRecord("ORD-001", "1003");
        _store.Put(tamperedKey, _store.Current(tamperedKey)!.Replace("PENDING", "SHIPPED", StringComparison.Ordinal));
        _table.Items[_table.Items.FindIndex(i => i.OrderId == "ORD-002" && i.Timestamp == "1")] = Orders.Item("ORD-002", "1", "FAILED");
        _table.Items.RemoveAll(i => i.OrderId == "ORD-003" && i.Timestamp == "2");
        _table.Items.Add(Orders.Item("ORD-004", "7", "NEW"));

        var before = await Checker().CheckAsync(Everything, NullOperationReporter.Instance, default);
        Assert.Equal(new[] { AuditFindingKind.DeletedAudit, AuditFindingKind.TamperedAudit, AuditFindingKind.StaleAudit, AuditFindingKind.MissingRemove, AuditFindingKind.MissingAudit },
            before.Findings.Select(f => f.Kind));

        var repaired = await RepairAsync(before);
        Assert.Equal(5, repaired.Count);
        Assert.Equal(5, _repair.Records().Count);
        // Nothing deleted: the delete marker and the overwriting version stay in each key's history.
        Assert.Equal(new[] { false, true, false }, _store.History(deletedKey).Select(v => v.Text is null));
        Assert.Equal(3, _store.History(tamperedKey).Count);
        var after = await Checker().CheckAsync(Everything, NullOperationReporter.Instance, default);
        Assert.Empty(after.Findings);

        var writes = _store.Writes;
        Assert.Empty(await RepairAsync(after));
        Assert.Equal(writes, _store.Writes);
    }

    [Fact]
    public async Task Reconciliation_records_are_audit_documents_marked_reconciled_after_the_newest_stream_record()
    {
        Healthy(1);
        _table.Items.Add(Orders.Item("ORD-000", "7", "NEW"));
        _table.Items.RemoveAll(i => i.Timestamp == "2");

        await RepairAsync(await Checker().CheckAsync(Everything, NullOperationReporter.Instance, default));

        var keys = _store.Keys(AuditKey.OrderPrefix("ORD-000"));
        var reconciled = keys.Where(AuditKey.IsReconciliationKey).Select(k => AuditDocument.Parse(_store.Current(k)!, AuditDocumentKind.Audit, k)).ToList();
        Assert.Equal(new[] { "REMOVE", "INSERT" }.Order(), reconciled.Select(d => d.EventType!).Order());
        Assert.All(reconciled, d => Assert.Null(d.SequenceNumber));
        Assert.Equal(new[] { "MissingAudit", "MissingRemove" }, reconciled.Select(d => d.Reconciled!).Order());
        Assert.Equal("unknown", reconciled.Single(d => d.EventType == "REMOVE").DeletedBy);
        Assert.True(keys.Where(AuditKey.IsReconciliationKey).All(k => string.CompareOrdinal(k, AuditKey.ForRecord("ORD-000", "1002")) > 0));
    }

    [Fact]
    public async Task Tampered_objects_are_left_alone_without_RestoreTampered_and_unreadable_ones_always()
    {
        Healthy(1);
        var key = AuditKey.ForRecord("ORD-000", "1000");
        _store.Put(key, "garbage");
        _store.Put(AuditKey.ForRecord("ORD-000", "9"), "garbage");
        var repairer = _repair.Repairer();
        var findings = (await Checker().CheckAsync(Everything, NullOperationReporter.Instance, default)).Findings;

        var plans = new List<(IReadOnlyList<OrderMonitoring.Cmdlets.Reconciliation.Repairs.RepairStep> Steps, string? LeftAlone)>();
        foreach (var finding in findings)
        {
            plans.Add(await repairer.PlanAsync(finding, restoreTampered: false, _repair.Stack, default));
        }

        Assert.All(plans, plan => Assert.Empty(plan.Steps));
        Assert.Contains(plans, plan => plan.LeftAlone!.Contains("-RestoreTampered", StringComparison.Ordinal));
        Assert.Contains(plans, plan => plan.LeftAlone!.Contains("never changed", StringComparison.Ordinal));
    }

    private async Task<List<AuditRepair>> RepairAsync(CheckOutcome outcome) => (await _repair.RepairAsync(outcome.Findings)).Repairs;
}
