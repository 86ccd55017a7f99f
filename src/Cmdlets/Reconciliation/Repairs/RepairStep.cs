using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Reconciliation.Repairs;

/// <summary>
/// One change a repair would make, described for ShouldProcess before it is made. <see cref="Action"/> is one of the
/// <see cref="RepairRecord"/> actions; every step writes something new (a version, a document) and deletes nothing.
/// </summary>
internal sealed record RepairStep(CheckedFinding Finding, string Action, string Key, string Description)
{
    /// <summary>The reconciliation record to write (<see cref="RepairRecord.WroteReconciliationRecord"/>).</summary>
    public AuditRecord? Record { get; init; }

    /// <summary>The document rebuilt from the stream record (<see cref="RepairRecord.RestoredFromStream"/>).</summary>
    public string? Json { get; init; }

    /// <summary>The version copied back (<see cref="RepairRecord.CopiedProvenVersion"/>, <see cref="RepairRecord.CopiedUnprovenVersion"/>).</summary>
    public string? SourceVersionId { get; init; }

    /// <summary>What a person should know about the step (not digest-proven, the original lost).</summary>
    public string? Note { get; init; }

    /// <summary>True for a step that adds history of its own (a reconciliation record), which needs the order's history proven.</summary>
    public bool WritesHistory => Action == RepairRecord.WroteReconciliationRecord;

    /// <summary>The version copied, the stream record read again, or the span of an acknowledged gap in the seals.</summary>
    public string? Source => SourceVersionId ?? Action switch
    {
        RepairRecord.RestoredFromStream => Finding.SequenceNumber,
        RepairRecord.AcknowledgedSealGap => Finding.Gap?.Span,
        _ => null,
    };

    /// <summary>True when a digest proves what the step restores (the digested bytes, or the stream record it names).</summary>
    public bool DigestProven => Finding.DigestedSha256 is not null && Action is RepairRecord.CopiedProvenVersion or RepairRecord.RestoredFromStream;
}
