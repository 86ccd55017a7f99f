using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Reconciliation.Repairs;

/// <summary>
/// The reconciliation records a repair writes: audit documents like the processor's, marked <c>reconciled</c>, under
/// the key <see cref="AuditKey.ForReconciliation"/> gives (derived from what they state, so a repeated repair names the
/// same key).
/// </summary>
internal static class ReconciliationRecords
{
    /// <summary>The item as it is now: an INSERT, or a MODIFY after the latest audited record of it.</summary>
    public static AuditRecord Item(CheckedFinding finding, TableItem item, string environment, DateTimeOffset now)
    {
        var previous = finding.LatestRecord is { EventType: not "REMOVE" } latest ? latest : null;
        var eventType = previous is null ? "INSERT" : "MODIFY";
        var image = item.PlainJson();
        var status = item.Status();
        return new AuditRecord
        {
            OrderId = item.OrderId,
            Timestamp = item.Timestamp,
            Status = string.IsNullOrWhiteSpace(status) ? "UNKNOWN" : status!,
            PreviousStatus = previous?.Status,
            EventType = eventType,
            ProcessedAt = now,
            Environment = environment,
            NewImageJson = image,
            OldImageJson = previous?.NewImageJson,
            Reconciled = finding.Kind.ToString(),
            Key = AuditKey.ForReconciliation(item.OrderId, finding.AfterSequence, item.Timestamp, eventType, image),
        };
    }

    /// <summary>A REMOVE after the latest audited record (who deleted the item, and when, is not known).</summary>
    public static AuditRecord Remove(CheckedFinding finding, string environment, string deletedBy, DateTimeOffset now)
    {
        var latest = finding.LatestRecord!;
        return new AuditRecord
        {
            OrderId = finding.OrderId,
            Timestamp = latest.Timestamp!,
            Status = latest.Status ?? "UNKNOWN",
            PreviousStatus = latest.Status,
            EventType = "REMOVE",
            ProcessedAt = now,
            Environment = environment,
            DeletedBy = deletedBy,
            OldImageJson = latest.NewImageJson,
            Reconciled = finding.Kind.ToString(),
            Key = AuditKey.ForReconciliation(finding.OrderId, finding.AfterSequence, latest.Timestamp!, "REMOVE", latest.NewImageJson),
        };
    }

    /// <summary>The step that writes <paramref name="record"/>.</summary>
    public static RepairStep Step(CheckedFinding finding, AuditRecord record, string? note = null) =>
        new(finding, Processor.Digests.RepairRecord.WroteReconciliationRecord, record.Key,
            $"Write {Article(record.EventType)} {record.EventType} reconciliation record of item {record.Timestamp} ({finding.Kind})")
        {
            Record = record,
            Note = note,
        };

    // "an INSERT", "a MODIFY", "a REMOVE": the prompt is read by people.
    private static string Article(string word) => word.Length > 0 && "AEIOU".IndexOf(char.ToUpperInvariant(word[0])) >= 0 ? "an" : "a";
}
