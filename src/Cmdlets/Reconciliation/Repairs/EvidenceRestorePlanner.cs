using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Reconciliation.Repairs;

/// <summary>
/// Plans the repair of a deleted or overwritten audit object without touching the evidence: the version a digest proves
/// is copied back as a new current version; with no such version left, the record is read again from the stream, or
/// (the stream no longer holding it) the item as it is now is recorded and the original said to be lost. An object no
/// digest covers (history from before digests) keeps the older rule, said to be unproven: the newest surviving version
/// under a delete marker, the first version under an overwrite (only with -RestoreTampered).
/// </summary>
internal sealed class EvidenceRestorePlanner(IAuditVersionStore store, IOrderItemSource table, IStreamRecordSource stream, TimeProvider time)
{
    public async Task<(IReadOnlyList<RepairStep> Steps, string? LeftAlone)> PlanAsync(CheckedFinding finding, bool restoreTampered, OrderStackResources stack,
        CancellationToken cancellationToken)
    {
        var key = finding.Key ?? throw new InvalidOperationException($"A {finding.Kind} finding names no key.");
        if (finding.ProvenVersionId is { } proven)
        {
            return One(Copy(finding, proven, RepairRecord.CopiedProvenVersion,
                $"Copy version {proven}, whose bytes digest {finding.DigestKey} proves, back as a new current version (every version and delete marker stays listed)"));
        }

        if (finding.DigestedSha256 is not null)
        {
            return await PlanLostAsync(finding, stack, cancellationToken).ConfigureAwait(false);
        }

        const string unproven = "not digest-proven: no digest covers this key";
        if (finding.Kind == AuditFindingKind.DeletedAudit)
        {
            return await NewestSurvivingAsync(stack.AuditBucketName, key, cancellationToken).ConfigureAwait(false) is { } newest
                ? One(Copy(finding, newest, RepairRecord.CopiedUnprovenVersion,
                    $"Copy the newest surviving version ({newest}) back as a new current version (the delete marker stays listed)") with { Note = unproven + ", the newest surviving version was copied" })
                : None("no version of it survives and no digest names its stream record, so there is nothing to restore");
        }

        if (finding.FirstVersionId is not { } first)
        {
            return None("no digest proves which version is genuine and no first version is known");
        }

        return restoreTampered
            ? One(Copy(finding, first, RepairRecord.CopiedUnprovenVersion,
                $"Copy the first version ({first}) back as a new current version (the overwriting version stays listed)") with { Note = unproven + ", the first version was copied" })
            : None("no digest proves which version is genuine; copying the first version back needs -RestoreTampered");
    }

    /// <summary>No version has the digested bytes: the record from the stream, else the item as it is now.</summary>
    private async Task<(IReadOnlyList<RepairStep>, string?)> PlanLostAsync(CheckedFinding finding, OrderStackResources stack, CancellationToken cancellationToken)
    {
        var sequence = finding.SequenceNumber;
        if (sequence is not null && !string.IsNullOrEmpty(stack.StreamArn)
            && await stream.FindAsync(stack.StreamArn!, sequence, finding.EventId, cancellationToken).ConfigureAwait(false) is { } record)
        {
            var outcome = ReadOutcome.Of(record, stack.Environment, time.GetUtcNow());
            if (!string.Equals(outcome.Key, finding.Key, StringComparison.Ordinal))
            {
                return None($"stream record {sequence} becomes {outcome.Key}, not {finding.Key}; a person compares the digest with the stream");
            }

            return One(new RepairStep(finding, RepairRecord.RestoredFromStream, outcome.Key,
                $"Write the record again from stream record {sequence} (event {record.EventId}), as the processor writes it (no version with the digested bytes is left)")
            {
                Json = outcome.Json,
            });
        }

        var lost = sequence is null
            ? "the original is lost (no version has the digested bytes and the digest names no stream record)"
            : $"the original is lost (no version has the digested bytes and the stream no longer holds record {sequence})";
        if (await ItemAsync(finding, stack.TableName, cancellationToken).ConfigureAwait(false) is not { } item)
        {
            return None(lost + ", and which item of the table it described is not known");
        }

        // After the lost record's place in the stream, so the listing keeps the order things happened in.
        var placed = finding with { AfterSequence = finding.AfterSequence ?? sequence };
        return One(ReconciliationRecords.Step(finding, ReconciliationRecords.Item(placed, item, stack.Environment, time.GetUtcNow()), lost + "; this records the item as it is now"));
    }

    private async Task<TableItem?> ItemAsync(CheckedFinding finding, string tableName, CancellationToken cancellationToken)
    {
        if (finding.Item is { } known)
        {
            return known;
        }

        if (string.IsNullOrEmpty(finding.OrderId))
        {
            return null;
        }

        var items = await table.ReadOrderAsync(tableName, finding.OrderId, cancellationToken).ConfigureAwait(false);
        return finding.Timestamp is { } timestamp
            ? items.FirstOrDefault(item => string.Equals(item.Timestamp, timestamp, StringComparison.Ordinal))
            : items.Count == 1 ? items[0] : null;
    }

    /// <summary>The newest version of <paramref name="key"/> that is not a delete marker, listed now (the check may be minutes old).</summary>
    private async Task<string?> NewestSurvivingAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        var versions = new List<ObjectVersion>();
        VersionMarker? marker = null;
        do
        {
            var page = await store.ListVersionsAsync(bucketName, key, marker, cancellationToken).ConfigureAwait(false);
            versions.AddRange(page.Versions.Where(v => string.Equals(v.Key, key, StringComparison.Ordinal)));
            marker = page.Next;
        }
        while (marker is not null);

        // S3 lists a key's versions newest first; order by time where the store says it, keeping the listed order otherwise.
        return versions.Where(v => !v.IsDeleteMarker).OrderByDescending(v => v.LastModified ?? DateTime.MinValue).Select(v => v.VersionId).FirstOrDefault();
    }

    private static RepairStep Copy(CheckedFinding finding, string versionId, string action, string description) =>
        new(finding, action, finding.Key!, description) { SourceVersionId = versionId };

    private static (IReadOnlyList<RepairStep>, string?) One(RepairStep step) => (new[] { step }, null);

    private static (IReadOnlyList<RepairStep>, string?) None(string why) => (Array.Empty<RepairStep>(), why);
}
