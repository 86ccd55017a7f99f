using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// A gap in the seals a person acknowledged: a validly signed repair record (<see cref="RepairRecord.AcknowledgedSealGap"/>)
/// names exactly its two seals, by key and by the SHA-256 of their bytes. Nothing can tell a deleted seal from a schedule
/// that did not run, so only a person decides; their signed record (who, when) replaces the finding. A record naming
/// other seals, or other bytes of them, acknowledges nothing.
/// </summary>
internal sealed record AcknowledgedGap(TrailFinding Finding, RepairRecord Record)
{
    public string Describe() =>
        $"The gap in the seals from {Finding.DigestKey} to {Finding.Gap!.Later.Key} ({Finding.Gap.Span}) was acknowledged by {Record.CallerArn} at {Record.RepairedAt:u} ({Record.StorageKey}).";

    /// <summary>Removes from <paramref name="findings"/> each gap an acknowledgement names exactly; returns them.</summary>
    public static IReadOnlyList<AcknowledgedGap> Take(List<TrailFinding> findings, IReadOnlyList<RepairRecord> acknowledgements)
    {
        var taken = new List<AcknowledgedGap>();
        if (acknowledgements.Count == 0)
        {
            return taken;
        }

        foreach (var finding in findings.Where(f => f.Gap is not null).ToList())
        {
            if (acknowledgements.FirstOrDefault(record => Names(record, finding)) is { } record)
            {
                findings.Remove(finding);
                taken.Add(new AcknowledgedGap(finding, record));
            }
        }

        return taken;
    }

    private static bool Names(RepairRecord record, TrailFinding gap) =>
        record.Finding == nameof(AuditFindingKind.DigestMissing)
        && string.Equals(record.Key, Processor.Audit.AuditKey.SealsPrefix, StringComparison.Ordinal)
        && string.Equals(record.DigestKey, gap.DigestKey, StringComparison.Ordinal)
        && string.Equals(record.DigestedSha256, gap.DigestedSha256, StringComparison.OrdinalIgnoreCase)
        && string.Equals(record.WrittenKey, gap.Gap!.Later.Key, StringComparison.Ordinal)
        && string.Equals(record.WrittenSha256, gap.Gap.Later.Sha256, StringComparison.OrdinalIgnoreCase);
}
