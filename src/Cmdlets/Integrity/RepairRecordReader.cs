using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// Reads the repair records under repairs/ (every one: repairs are few, and a repair of an old finding is stored under
/// the day it was made) and adds what the validly signed ones vouch for to the index: the bytes they wrote, and the
/// keys whose original they say is lost; and returns the gaps in the seals they acknowledge. A record whose signature
/// fails is a DigestInvalid finding and vouches for nothing.
/// </summary>
internal sealed class RepairRecordReader(IVersionedObjects store, DigestVerifier repairKey, int maxParallelReads)
{
    private const long MaxRecordBytes = 1024 * 1024;

    /// <returns>The validly signed acknowledgements of gaps in the seals (<see cref="RepairRecord.AcknowledgedSealGap"/>).</returns>
    public async Task<IReadOnlyList<RepairRecord>> ReadAsync(string bucketName, DigestIndex index, List<TrailFinding> findings, CancellationToken cancellationToken)
    {
        var acknowledgedGaps = new List<RepairRecord>();
        var versions = await Paging.ReadAllAsync((Stacks.VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, RepairRecord.Prefix, marker, cancel),
            page => page.Next, page => page.Versions, cancellationToken).ConfigureAwait(false);
        var current = versions.Where(v => v.IsLatest && !v.IsDeleteMarker).ToList();
        var texts = await BoundedConcurrency.MapAsync(current, maxParallelReads, async v =>
        {
            try
            {
                return await store.ReadBytesAsync(bucketName, v.Key, v.VersionId, MaxRecordBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (UnreadableObjectException)
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < current.Count; i++)
        {
            var key = current[i].Key;
            RepairRecord record;
            try
            {
                record = RepairRecord.Parse(texts[i] is { } bytes ? Encoding.UTF8.GetString(bytes) : "", key);
            }
            catch (InvalidDataException malformed)
            {
                findings.Add(new TrailFinding(AuditFindingKind.DigestInvalid, key, $"not a repair record: {malformed.Message}") { DigestKey = key });
                continue;
            }

            switch (repairKey.CheckSignature(record))
            {
                case DigestSignatureCheck.Valid when record.Action == RepairRecord.AcknowledgedSealGap:
                    // It wrote nothing: it vouches for no bytes, only for a person's decision about one gap.
                    acknowledgedGaps.Add(record);
                    break;
                case DigestSignatureCheck.Valid:
                    index.AddRepaired(record.WrittenKey, record.WrittenSha256);
                    if (record.Finding == nameof(AuditFindingKind.DeletedAudit)
                        && record.Action is RepairRecord.RestoredFromStream or RepairRecord.WroteReconciliationRecord)
                    {
                        index.AddLostOriginal(record.Key);
                    }

                    break;
                case DigestSignatureCheck.Invalid:
                    findings.Add(new TrailFinding(AuditFindingKind.DigestInvalid, key,
                        "a repair record whose signature does not verify with the repair signing key's public key: it vouches for nothing") { DigestKey = key });
                    break;
                default:
                    // Unsigned (no repair key could sign): it vouches for nothing; what it wrote is judged like any other object.
                    break;
            }
        }

        return acknowledgedGaps;
    }
}
