using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Reconciliation.Repairs;

/// <summary>
/// Repair-OrderAuditLog -AcknowledgeSealGap: for a gap between two seals (a seal deleted, or a schedule that did not
/// run; no tool can tell which) a person checked the function's invocations and CloudTrail's DeleteObjectVersion
/// events for seals/ and decided. The step writes nothing but its signed repair record, which names both seals by key
/// and SHA-256; the verifier then no longer reports the gap, and the record stays as the evidence of who decided. An
/// overdue newest seal (no later seal) is never acknowledged: its schedule must be fixed.
/// </summary>
internal static class SealGapAcknowledgement
{
    /// <summary>True for a gap between two seals that names both (what can be acknowledged).</summary>
    public static bool Applies(CheckedFinding finding) =>
        finding.Kind == AuditFindingKind.DigestMissing && finding.Gap is not null && finding.DigestKey is not null && finding.DigestedSha256 is not null;

    public static RepairStep Step(CheckedFinding finding)
    {
        var gap = finding.Gap!;
        return new RepairStep(finding, RepairRecord.AcknowledgedSealGap, gap.Later.Key,
            $"Acknowledge the gap in the seals from {finding.DigestKey} (SHA-256 {finding.DigestedSha256}) to {gap.Later.Key} (SHA-256 {gap.Later.Sha256}), {gap.Span}, "
            + "as checked by a person (no seal deleted); a signed repair record is written and the gap is no longer reported")
        {
            Note = $"acknowledged gap in the seals {gap.Span}",
        };
    }
}
