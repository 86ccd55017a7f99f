using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>One change the repair would make, described for ShouldProcess before it is made.</summary>
internal sealed record RepairStep(CheckedFinding Finding, string Action, string Key, string Description, AuditRecord? Record = null, string? VersionId = null);

/// <summary>
/// Repairs findings in the audit bucket. Missing and stale audits get a reconciliation record of the item as it is
/// now, a missing REMOVE gets a REMOVE record (when the deletion happened is unknown); these are audit documents like
/// the processor's, marked <c>reconciled</c>, under the key <see cref="AuditKey.ForReconciliation"/> gives. A deleted
/// object gets its delete markers removed; a tampered one gets its first version copied over it, only when asked.
/// Nothing else is ever changed or deleted.
/// </summary>
internal sealed class AuditLogRepairer(IAuditVersionStore store, TimeProvider time)
{
    public const string WroteRecord = "WroteReconciliationRecord";
    public const string RemovedDeleteMarker = "RemovedDeleteMarker";
    public const string RestoredFirstVersion = "RestoredFirstVersion";

    /// <summary>The <c>deletedBy</c> of a REMOVE record for an item that went with a deleted table (<see cref="AuditFindingKind.EarlierTable"/>).</summary>
    public const string TableDeleted = "table-deleted";

    /// <summary>What would repair <paramref name="finding"/>; empty, with the reason, when it is left alone.</summary>
    public (IReadOnlyList<RepairStep> Steps, string? LeftAlone) Plan(CheckedFinding finding, bool restoreTampered, string environment)
    {
        var kind = FindingKinds.Of(finding.Kind);
        switch (kind.Repair)
        {
            case RepairAction.WriteItemRecord:
                return (new[] { Write(finding, ItemRecord(finding, environment)) }, null);
            case RepairAction.WriteRemoveRecord:
                // Who deleted the item, and when, is not known: the stream record that would say was never audited.
                return (new[] { Write(finding, RemoveRecord(finding, environment, deletedBy: "unknown")) }, null);
            case RepairAction.WriteTableDeletedRecord:
                // The item went when its table was deleted on purpose; no stream record is written for that.
                return (new[] { Write(finding, RemoveRecord(finding, environment, deletedBy: TableDeleted)) }, null);
            case RepairAction.RemoveDeleteMarkers when finding.DeleteMarkers.Count > 0:
                return (finding.DeleteMarkers.Select(marker => new RepairStep(finding, RemovedDeleteMarker, finding.Key!,
                    $"Remove delete marker {marker} so the newest version is current again", VersionId: marker)).ToList(), null);
            case RepairAction.RemoveDeleteMarkers:
                return (Array.Empty<RepairStep>(), "no version of it survives, so there is nothing to restore");
            case RepairAction.RestoreFirstVersion when restoreTampered && finding.FirstVersionId is not null:
                return (new[] { new RepairStep(finding, RestoredFirstVersion, finding.Key!, $"Copy the first version ({finding.FirstVersionId}) over the current one",
                    VersionId: finding.FirstVersionId) }, null);
            case RepairAction.RestoreFirstVersion:
                return (Array.Empty<RepairStep>(), "restoring the first version needs -RestoreTampered");
            case RepairAction.LeaveAlone:
                return (Array.Empty<RepairStep>(), kind.LeftAlone);
            default:
                throw new InvalidOperationException($"Repair has no plan for '{kind.Repair}' ({finding.Kind}).");
        }
    }

    /// <summary>
    /// Repairs each finding: plans its steps (warning when it is left alone) and makes each step <paramref name="confirm"/>
    /// agrees to, writing each repair as it is made; a step that fails is reported and the rest go on.
    /// </summary>
    public async Task RepairAllAsync(OrderStackResources stack, IReadOnlyList<CheckedFinding> findings, bool restoreTampered, ConfirmStep confirm,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        const string activity = "Repairing the audit log";
        for (var i = 0; i < findings.Count; i++)
        {
            reporter.Progress(new OperationProgress(2, activity, $"{i} of {findings.Count} findings", i * 100 / findings.Count));
            var finding = findings[i];
            var (steps, leftAlone) = Plan(finding, restoreTampered, stack.Environment);
            if (leftAlone is not null)
            {
                reporter.Warning($"{finding.Kind} {finding.Key ?? finding.OrderId}: left alone, {leftAlone}.");
            }

            foreach (var step in steps)
            {
                if (!await confirm($"s3://{stack.AuditBucketName}/{step.Key}", step.Description).ConfigureAwait(false))
                {
                    continue;
                }

                try
                {
                    if (await ApplyAsync(stack.AuditBucketName, step, cancellationToken).ConfigureAwait(false) is { } repair)
                    {
                        reporter.Output(repair);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    reporter.Failure(ex, step.Key);
                }
            }
        }

        reporter.Progress(new OperationProgress(2, activity, "done", Completed: true));
    }

    /// <summary>Makes the change; null when a reconciliation record with that key already exists (a repeated repair).</summary>
    public async Task<AuditRepair?> ApplyAsync(string bucketName, RepairStep step, CancellationToken cancellationToken)
    {
        string? versionId;
        switch (step.Action)
        {
            case WroteRecord:
                if (await store.ReadAsync(bucketName, step.Key, null, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return null;
                }

                versionId = await store.PutAsync(bucketName, step.Key, step.Record!.ToJson(), cancellationToken).ConfigureAwait(false);
                break;
            case RemovedDeleteMarker:
                versionId = step.VersionId!;
                await store.DeleteVersionAsync(bucketName, step.Key, versionId, cancellationToken).ConfigureAwait(false);
                break;
            default:
                versionId = await store.RestoreVersionAsync(bucketName, step.Key, step.VersionId!, cancellationToken).ConfigureAwait(false);
                break;
        }

        return new AuditRepair
        {
            Kind = step.Finding.Kind,
            Action = step.Action,
            OrderId = step.Finding.OrderId,
            Timestamp = step.Finding.Timestamp,
            BucketName = bucketName,
            Key = step.Key,
            VersionId = versionId,
        };
    }

    private static RepairStep Write(CheckedFinding finding, AuditRecord record) =>
        new(finding, WroteRecord, record.Key, $"Write {Article(record.EventType)} {record.EventType} reconciliation record of item {finding.Timestamp} ({finding.Kind})", record);

    // "an INSERT", "a MODIFY", "a REMOVE": the prompt is read by people.
    private static string Article(string word) => word.Length > 0 && "AEIOU".IndexOf(char.ToUpperInvariant(word[0])) >= 0 ? "an" : "a";

    private AuditRecord ItemRecord(CheckedFinding finding, string environment)
    {
        var item = finding.Item!;
        var previous = finding.LatestRecord is { EventType: not "REMOVE" } latest ? latest : null;
        var eventType = previous is null ? "INSERT" : "MODIFY";
        var image = item.PlainJson();
        var status = item.Status();
        return new AuditRecord
        {
            OrderId = finding.OrderId,
            Timestamp = item.Timestamp,
            Status = string.IsNullOrWhiteSpace(status) ? "UNKNOWN" : status!,
            PreviousStatus = previous?.Status,
            EventType = eventType,
            ProcessedAt = time.GetUtcNow(),
            Environment = environment,
            NewImageJson = image,
            OldImageJson = previous?.NewImageJson,
            Reconciled = finding.Kind.ToString(),
            Key = AuditKey.ForReconciliation(finding.OrderId, finding.AfterSequence, item.Timestamp, eventType, image),
        };
    }

    private AuditRecord RemoveRecord(CheckedFinding finding, string environment, string deletedBy)
    {
        var latest = finding.LatestRecord!;
        return new AuditRecord
        {
            OrderId = finding.OrderId,
            Timestamp = latest.Timestamp!,
            Status = latest.Status ?? "UNKNOWN",
            PreviousStatus = latest.Status,
            EventType = "REMOVE",
            ProcessedAt = time.GetUtcNow(),
            Environment = environment,
            DeletedBy = deletedBy,
            OldImageJson = latest.NewImageJson,
            Reconciled = finding.Kind.ToString(),
            Key = AuditKey.ForReconciliation(finding.OrderId, finding.AfterSequence, latest.Timestamp!, "REMOVE", latest.NewImageJson),
        };
    }
}
