using OrderMonitoring.Cmdlets.Integrity;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>Verification's findings as checked findings (with the proof a repair needs).</summary>
internal static class TrailFindings
{
    public static CheckedFinding ToChecked(TrailFinding finding, string orderId, string? timestamp) =>
        new(finding.Kind, orderId, timestamp, finding.Key, finding.Detail)
        {
            ProvenVersionId = finding.ProvenVersionId,
            DigestKey = finding.DigestKey,
            DigestedSha256 = finding.DigestedSha256,
            SequenceNumber = finding.SequenceNumber,
            EventId = finding.EventId,
            Gap = finding.Gap,
        };
}
