using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Reconciliation.Repairs;

/// <summary>What one step did, and an error to report when its repair record could not be signed.</summary>
internal sealed record AppliedRepair(AuditRepair Repair, Exception? SigningFailure);

/// <summary>
/// Makes one step and stores its signed <see cref="RepairRecord"/> under <c>repairs/</c>: copies a version back
/// (CopyObject, never a delete), or writes a document; then the record of what was written (key, version, SHA-256 of the
/// exact bytes), who wrote it and why. The same finding names the same record key, so repeating a repair writes nothing.
/// </summary>
internal sealed class RepairWriter(IAuditVersionStore store, TimeProvider time)
{
    /// <summary>Makes the step; null when it was made before (its repair record, or its reconciliation record, exists).</summary>
    public async Task<AppliedRepair?> ApplyAsync(string bucketName, string environment, RepairStep step, RepairKey key, CancellationToken cancellationToken)
    {
        var finding = step.Finding;
        var draft = new RepairRecord
        {
            Environment = environment,
            Finding = finding.Kind.ToString(),
            Key = finding.Key ?? step.Key,
            DigestKey = finding.DigestKey,
            DigestedSha256 = finding.DigestedSha256,
            Action = step.Action,
            Source = step.Source,
            WrittenKey = step.Key,
            CallerArn = key.CallerArn,
            RepairedAt = time.GetUtcNow(),
        };
        if (await store.ReadAsync(bucketName, draft.StorageKey, null, cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        var written = await WriteAsync(bucketName, step, cancellationToken).ConfigureAwait(false);
        if (written is null)
        {
            return null;
        }

        var (record, failure) = await key.SignAsync(draft with { WrittenVersionId = written.Value.VersionId, WrittenSha256 = written.Value.Sha256 }, cancellationToken)
            .ConfigureAwait(false);
        await store.PutAsync(bucketName, record.StorageKey, record.ToJson(), cancellationToken).ConfigureAwait(false);
        return new AppliedRepair(new AuditRepair
        {
            Kind = finding.Kind,
            Action = step.Action,
            OrderId = finding.OrderId,
            Timestamp = finding.Timestamp ?? step.Record?.Timestamp,
            BucketName = bucketName,
            Key = step.Key,
            VersionId = written.Value.VersionId,
            Source = step.Source,
            DigestProven = step.DigestProven,
            WrittenSha256 = written.Value.Sha256,
            RepairRecordKey = record.StorageKey,
            CallerArn = key.CallerArn,
            Note = step.Note,
        }, failure);
    }

    private async Task<(string? VersionId, string Sha256)?> WriteAsync(string bucketName, RepairStep step, CancellationToken cancellationToken)
    {
        switch (step.Action)
        {
            case RepairRecord.CopiedProvenVersion or RepairRecord.CopiedUnprovenVersion:
                var source = step.SourceVersionId!;
                var bytes = await store.ReadBytesAsync(bucketName, step.Key, source, cancellationToken).ConfigureAwait(false)
                    ?? throw new OrderMonitoringException("RepairSourceGone", FailureKind.InvalidState,
                        $"Version {source} of {step.Key} is gone since the check; nothing was copied.", "Run Test-OrderAuditLog again.");
                var sha = Sha256Hex.Of(bytes);
                if (step.Action == RepairRecord.CopiedProvenVersion && !string.Equals(sha, step.Finding.DigestedSha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new OrderMonitoringException("ProvenVersionChanged", FailureKind.InvalidState,
                        $"Version {source} of {step.Key} no longer hashes to the digested SHA-256 {step.Finding.DigestedSha256}; nothing was copied.",
                        "Run Test-OrderAuditLog again; a person investigates the object's versions.");
                }

                return (await store.RestoreVersionAsync(bucketName, step.Key, source, cancellationToken).ConfigureAwait(false), sha);
            case RepairRecord.AcknowledgedSealGap:
                // Nothing is written: the record names the later seal's bytes as the check read them.
                return (null, step.Finding.Gap!.Later.Sha256);
            case RepairRecord.RestoredFromStream:
                return await PutAsync(bucketName, step.Key, step.Json!, cancellationToken).ConfigureAwait(false);
            case RepairRecord.WroteReconciliationRecord:
                if (await store.ReadAsync(bucketName, step.Key, null, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return null;
                }

                return await PutAsync(bucketName, step.Key, step.Record!.ToJson(), cancellationToken).ConfigureAwait(false);
            default:
                throw new InvalidOperationException($"A repair step cannot '{step.Action}'.");
        }
    }

    private async Task<(string?, string)> PutAsync(string bucketName, string key, string json, CancellationToken cancellationToken) =>
        (await store.PutAsync(bucketName, key, json, cancellationToken).ConfigureAwait(false), Sha256Hex.OfUtf8(json));
}
