using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Tests.Reconciliation;

/// <summary>
/// A table deleted and created again on purpose: the audit history of the earlier table is told apart from a REMOVE
/// the audit missed, by the current table's creation time.
/// </summary>
public sealed class EarlierTableTests
{
    private static readonly DateTimeOffset Recreated = Orders.Processed.AddHours(1).AddMilliseconds(400);

    private readonly FakeVersionStore _store = new();
    private readonly FakeItemSource _table = new();

    private AuditLogChecker Checker() => new(_table, _store, new CheckOptions(), TimeProvider.System);

    private async Task<CheckOutcome> CheckAsync() =>
        await Checker().CheckAsync(new CheckRequest("orders", "b", null, new CheckScope(TableCreated: _table.Created)), Cmdlets.Foundation.NullOperationReporter.Instance, default);

    [Fact]
    public async Task An_item_audited_before_the_table_was_created_is_history_of_the_earlier_table()
    {
        _store.Audited(Orders.Item("OLD", "1", "SHIPPED"), "INSERT", "100");
        _table.Created = Recreated;

        var finding = Assert.Single((await CheckAsync()).Findings);

        Assert.Equal((AuditFindingKind.EarlierTable, "OLD"), (finding.Kind, finding.OrderId));
        Assert.Contains("older than the current table", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_item_of_the_current_table_deleted_without_an_audited_remove_is_still_MissingRemove()
    {
        var (key, json) = Orders.Audit(Orders.Item("NEW", "1", "SHIPPED"), "INSERT", "200", processedAt: Recreated.AddMinutes(5));
        _store.Put(key, json);
        _table.Created = Recreated;

        var finding = Assert.Single((await CheckAsync()).Findings);

        Assert.Equal(AuditFindingKind.MissingRemove, finding.Kind);
    }

    [Fact]
    public async Task A_change_in_the_second_the_table_was_created_is_the_current_tables()
    {
        // Stream times are whole seconds: a record of the new table can read as a few hundred milliseconds before its creation.
        var sameSecond = Recreated.AddTicks(-(Recreated.UtcTicks % TimeSpan.TicksPerSecond));
        var (key, json) = Orders.Audit(Orders.Item("EDGE", "1", "SHIPPED"), "INSERT", "300", processedAt: sameSecond);
        _store.Put(key, json);
        _table.Created = Recreated;

        Assert.Equal(AuditFindingKind.MissingRemove, Assert.Single((await CheckAsync()).Findings).Kind);
    }

    [Fact]
    public async Task Without_a_creation_time_every_missing_item_is_MissingRemove()
    {
        _store.Audited(Orders.Item("OLD", "1", "SHIPPED"), "INSERT", "100");

        Assert.Equal(AuditFindingKind.MissingRemove, Assert.Single((await CheckAsync()).Findings).Kind);
    }

    [Fact]
    public async Task Repair_closes_earlier_table_history_with_a_REMOVE_that_says_the_table_was_deleted_and_the_check_is_then_clean()
    {
        _store.Audited(Orders.Item("OLD", "1", "SHIPPED"), "INSERT", "100");
        _table.Created = Recreated;
        using var repair = new RepairHarness { Store = _store, Table = _table };

        var finding = Assert.Single((await CheckAsync()).Findings);
        var done = Assert.Single((await repair.RepairAsync([finding], restoreTampered: false)).Repairs);

        var written = AuditDocument.Parse(_store.Current(done.Key)!, AuditDocumentKind.Audit, done.Key);
        Assert.Equal(("REMOVE", AuditLogRepairer.TableDeleted, "EarlierTable"), (written.EventType, written.DeletedBy, written.Reconciled));
        Assert.Empty((await CheckAsync()).Findings);
    }

    [Fact]
    public void Earlier_table_history_does_not_make_the_check_incomplete_and_any_other_finding_does()
    {
        AuditLogCheck With(params AuditFindingKind[] kinds) => new() { Findings = kinds.Select(kind => new AuditFinding { Kind = kind }).ToArray() };

        Assert.True(With().Complete);
        Assert.True(With(AuditFindingKind.EarlierTable, AuditFindingKind.EarlierTable).Complete);
        Assert.False(With(AuditFindingKind.EarlierTable, AuditFindingKind.MissingRemove).Complete);
    }
}
