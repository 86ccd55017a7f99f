using OrderMonitoring.Cmdlets.Reconciliation;

namespace OrderMonitoring.Cmdlets.Tests.Reconciliation;

public sealed class FindingKindsTests
{
    [Fact]
    public void Every_kind_has_exactly_one_row_with_help_text()
    {
        Assert.Equal(Enum.GetValues<AuditFindingKind>().Order(), FindingKinds.All.Select(row => row.Kind).Order());
        Assert.All(FindingKinds.All, row => Assert.False(string.IsNullOrWhiteSpace(row.Help)));
        Assert.All(FindingKinds.All.Where(row => row.Repair == RepairAction.LeaveAlone), row => Assert.False(string.IsNullOrWhiteSpace(row.LeftAlone)));
    }

    [Fact]
    public void Deleted_and_tampered_objects_are_restored_by_copying_and_the_kinds_a_person_must_act_on_are_never_repaired()
    {
        Assert.Equal(RepairAction.CopyProvenVersion, FindingKinds.Of(AuditFindingKind.DeletedAudit).Repair);
        Assert.Equal(RepairAction.CopyProvenVersion, FindingKinds.Of(AuditFindingKind.TamperedAudit).Repair);
        Assert.All(new[] { AuditFindingKind.ForgedAudit, AuditFindingKind.DigestMissing, AuditFindingKind.DigestInvalid, AuditFindingKind.BucketUnprotected },
            kind => Assert.Equal(RepairAction.LeaveAlone, FindingKinds.Of(kind).Repair));
    }

    [Fact]
    public void Only_differences_the_stream_can_still_explain_are_excused_by_pending_records()
    {
        Assert.Equal([AuditFindingKind.MissingAudit, AuditFindingKind.StaleAudit, AuditFindingKind.MissingRemove],
            FindingKinds.All.Where(row => row.PendingExcuses).Select(row => row.Kind));
    }

    [Fact]
    public async Task A_kind_without_a_row_fails_loudly_in_the_check_and_in_the_repair()
    {
        var unknown = (AuditFindingKind)99;

        var error = Assert.Throws<InvalidOperationException>(() => FindingKinds.Of(unknown));
        Assert.Contains("99", error.Message, StringComparison.Ordinal);
        using var repair = new RepairHarness();
        await Assert.ThrowsAsync<InvalidOperationException>(() => repair.Repairer().PlanAsync(new CheckedFinding(unknown, "ORD-1", "1", null, "?"), restoreTampered: true, repair.Stack, default));
    }
}
