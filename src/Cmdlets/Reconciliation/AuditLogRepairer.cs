using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Reconciliation.Repairs;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// What to repair: the findings chosen, every finding of the same check (which decides whose history is proven), whether
/// unproven overwrites are restored, and whether gaps in the seals are acknowledged (only ever by its own switch).
/// </summary>
internal sealed record RepairRequest(IReadOnlyList<CheckedFinding> Findings, IReadOnlyList<CheckedFinding> CheckFindings, bool RestoreTampered,
    bool AcknowledgeSealGap = false);

/// <summary>
/// Repairs findings in the audit bucket and keeps the evidence: nothing is ever deleted. A deleted or overwritten
/// object gets the version a digest proves copied back as a new current version (or its record read again from the
/// stream, see <see cref="EvidenceRestorePlanner"/>); a missing or stale audit gets a reconciliation record of the item
/// as it is now, a missing REMOVE a REMOVE record; and every repair writes a <see cref="Processor.Digests.RepairRecord"/>
/// signed with the stack's repair key, whose use is proven before the first change. History is never written for an
/// order whose own history the check could not prove (<see cref="UnprovenOrders"/>).
/// </summary>
/// <param name="protection">
/// The bucket's versioning, read before the first write: while it is not enabled, S3 keeps one "null" version per key and
/// a write replaces it, so a key holding one is left alone (null in tests that need no such check).
/// </param>
internal sealed class AuditLogRepairer(IAuditVersionStore store, IOrderItemSource table, IStreamRecordSource stream, RepairSignerFactory signerFor,
    ICallerIdentity caller, TimeProvider time, IBucketProtectionSource? protection = null)
{
    /// <summary>The <c>deletedBy</c> of a REMOVE record for an item that went with a deleted table (<see cref="AuditFindingKind.EarlierTable"/>).</summary>
    public const string TableDeleted = "table-deleted";

    private readonly EvidenceRestorePlanner _evidence = new(store, table, stream, time);
    private readonly RepairWriter _writer = new(store, time);

    /// <summary>What would repair <paramref name="finding"/>; empty, with the reason, when it is left alone.</summary>
    public async Task<(IReadOnlyList<RepairStep> Steps, string? LeftAlone)> PlanAsync(CheckedFinding finding, bool restoreTampered, OrderStackResources stack,
        CancellationToken cancellationToken)
    {
        var kind = FindingKinds.Of(finding.Kind);
        var now = time.GetUtcNow();
        switch (kind.Repair)
        {
            case RepairAction.WriteItemRecord:
                return (new[] { ReconciliationRecords.Step(finding, ReconciliationRecords.Item(finding, finding.Item!, stack.Environment, now)) }, null);
            case RepairAction.WriteRemoveRecord:
                // Who deleted the item, and when, is not known: the stream record that would say was never audited.
                return (new[] { ReconciliationRecords.Step(finding, ReconciliationRecords.Remove(finding, stack.Environment, "unknown", now)) }, null);
            case RepairAction.WriteTableDeletedRecord:
                // The item went when its table was deleted on purpose; no stream record is written for that.
                return (new[] { ReconciliationRecords.Step(finding, ReconciliationRecords.Remove(finding, stack.Environment, TableDeleted, now)) }, null);
            case RepairAction.CopyProvenVersion:
                return await _evidence.PlanAsync(finding, restoreTampered, stack, cancellationToken).ConfigureAwait(false);
            case RepairAction.LeaveAlone:
                return (Array.Empty<RepairStep>(), kind.LeftAlone);
            default:
                throw new InvalidOperationException($"Repair has no plan for '{kind.Repair}' ({finding.Kind}).");
        }
    }

    /// <summary>
    /// Repairs each finding, restored objects first: plans its steps (warning when one is left alone) and makes each step
    /// <paramref name="confirm"/> agrees to, writing each repair as it is made; a step that fails is reported and the rest
    /// go on. Throws (RepairKeyUnusable) before the first change when the repair key cannot sign.
    /// </summary>
    public async Task RepairAllAsync(OrderStackResources stack, RepairRequest request, ConfirmStep confirm, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        const string activity = "Repairing the audit log";
        // Judged after the acknowledgements (they come first): a gap in the seals acknowledged in this run no longer leaves history unproven.
        var acknowledged = new HashSet<CheckedFinding>();
        UnprovenOrders? unproven = null;
        // A restored object may explain a gap of its order: those gaps wait for the next check instead of being recorded twice.
        var restoredOrders = new HashSet<string>(StringComparer.Ordinal);
        var findings = request.Findings.OrderBy(f => SealGapAcknowledgement.Applies(f) ? 0 : FindingKinds.Of(f.Kind).Repair == RepairAction.CopyProvenVersion ? 1 : 2).ToList();
        RepairKey? key = null;
        for (var i = 0; i < findings.Count; i++)
        {
            reporter.Progress(new OperationProgress(2, activity, $"{i} of {findings.Count} findings", i * 100 / findings.Count));
            var finding = findings[i];
            var name = $"{finding.Kind} {finding.Key ?? finding.OrderId}";
            var acknowledging = request.AcknowledgeSealGap && SealGapAcknowledgement.Applies(finding);
            var (steps, leftAlone) = acknowledging
                ? (new[] { SealGapAcknowledgement.Step(finding) }, null)
                : await PlanAsync(finding, request.RestoreTampered, stack, cancellationToken).ConfigureAwait(false);
            if (leftAlone is not null)
            {
                reporter.Warning($"{name}: left alone, {leftAlone}"
                    + (SealGapAcknowledgement.Applies(finding) ? "; once a person has checked that no seal was deleted, -AcknowledgeSealGap records their decision." : "."));
            }

            foreach (var step in steps)
            {
                if (step.WritesHistory && (unproven ??= new UnprovenOrders(request.CheckFindings.Where(f => !acknowledged.Contains(f)))).WhyUnproven(finding.OrderId) is { } why)
                {
                    reporter.Warning($"{name}: left alone, {why}; a person checks the order before its history is written.");
                    continue;
                }

                if (FindingKinds.Of(finding.Kind).Repair != RepairAction.CopyProvenVersion && restoredOrders.Contains(finding.OrderId))
                {
                    reporter.Warning($"{name}: left alone, an audit object of this order was just restored; run Test-OrderAuditLog again to see whether the gap remains.");
                    continue;
                }

                if (!await confirm($"s3://{stack.AuditBucketName}/{step.Key}", step.Description).ConfigureAwait(false))
                {
                    continue;
                }

                if (!acknowledging && await ReplacedVersionAsync(stack.AuditBucketName, step.Key, cancellationToken).ConfigureAwait(false) is { } replaced)
                {
                    reporter.Warning($"{name}: left alone, {replaced}; enable versioning on the bucket again, then repair.");
                    continue;
                }

                // Before the first change: a repair whose record cannot be signed is refused while nothing is changed.
                key ??= await RepairKey.OpenAsync(stack.RepairSigningKeyArn, stack.StackName, signerFor, caller, cancellationToken).ConfigureAwait(false);
                try
                {
                    if (await _writer.ApplyAsync(stack.AuditBucketName, stack.Environment, step, key, cancellationToken).ConfigureAwait(false) is { } applied)
                    {
                        reporter.Output(applied.Repair);
                        if (applied.SigningFailure is { } unsigned)
                        {
                            reporter.Failure(unsigned, applied.Repair.RepairRecordKey!);
                        }
                        else if (acknowledging)
                        {
                            acknowledged.Add(finding);
                        }

                        if (FindingKinds.Of(finding.Kind).Repair == RepairAction.CopyProvenVersion && !string.IsNullOrEmpty(finding.OrderId))
                        {
                            restoredOrders.Add(finding.OrderId);
                        }
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

    private string? _versioning;
    private bool _versioningRead;

    /// <summary>
    /// Why writing <paramref name="key"/> would destroy a version, or null when it would not. With versioning suspended
    /// (or never enabled) S3 gives every write the version id "null" and replaces the key's existing "null" version,
    /// which may be the very evidence a check reported (an overwrite made while versioning was suspended).
    /// </summary>
    private async Task<string?> ReplacedVersionAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        if (protection is null)
        {
            return null;
        }

        if (!_versioningRead)
        {
            _versioning = (await protection.ReadAsync(bucketName, cancellationToken).ConfigureAwait(false)).VersioningStatus;
            _versioningRead = true;
        }

        if (string.Equals(_versioning, "Enabled", StringComparison.Ordinal))
        {
            return null;
        }

        var versions = await Paging.ReadAllAsync((VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, key, marker, cancel),
            page => page.Next, page => page.Versions, cancellationToken).ConfigureAwait(false);
        return versions.Any(v => string.Equals(v.Key, key, StringComparison.Ordinal) && string.Equals(v.VersionId, NullVersionId, StringComparison.Ordinal))
            ? $"versioning of s3://{bucketName} is {_versioning ?? "not enabled"} and the key holds a \"null\" version, which a write would replace"
            : null;
    }

    // The version id S3 gives objects written while versioning is not enabled.
    private const string NullVersionId = "null";
}
