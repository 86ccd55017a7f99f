using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using StoredDigest = OrderMonitoring.Cmdlets.Integrity.VersionedRead<OrderMonitoring.Processor.Digests.DigestDocument>;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>One audit object as read: its key, its text, the digest its metadata names, when it was written.</summary>
internal sealed record ReadObject(string Key, string Json, string? DigestKey, DateTime? LastModified);

/// <summary>The marks Get-OrderAuditLog gives a record (OrderAuditRecord.Integrity).</summary>
internal static class IntegrityMarks
{
    /// <summary>The digest the object names lists it with exactly these bytes, and its signature verifies.</summary>
    public const string Proven = "Proven";

    /// <summary>A signed repair record vouches for these bytes.</summary>
    public const string Repaired = "Repaired";

    /// <summary>The digest the object names lists it, with other bytes.</summary>
    public const string Tampered = "Tampered";

    /// <summary>No digest lists it: none named, the named one gone or invalid, or it does not list the key.</summary>
    public const string NotInDigest = "NotInDigest";

    /// <summary>Written before digests existed, or listed only by a digest written unsigned: not provable.</summary>
    public const string Unsigned = "Unsigned";
}

/// <summary>
/// Marks records against the one digest each object names in its metadata (the processor writes the key of the digest
/// that will list it): a cheap look-up, one digest read per batch the records came from, never a day of digests. A
/// name that lies fails the check: the named digest must list the key with the object's exact SHA-256.
/// </summary>
internal sealed class RecordIntegrity(IVersionedObjects store, VerificationKeys keys, int maxParallelReads = 8)
{
    private readonly DigestReader _digests = new(store, keys.Digests, maxParallelReads);
    private readonly Dictionary<string, Task<StoredDigest>> _read = new(StringComparer.Ordinal);
    private DigestIndex? _repairs;
    private (bool Known, DateTime? Value) _firstDigest;

    public async Task<IReadOnlyList<string>> MarkAsync(string bucketName, IReadOnlyList<ReadObject> objects, CancellationToken cancellationToken)
    {
        var marks = new List<string>(objects.Count);
        foreach (var read in objects)
        {
            marks.Add(await MarkAsync(bucketName, read, cancellationToken).ConfigureAwait(false));
        }

        return marks;
    }

    private async Task<string> MarkAsync(string bucketName, ReadObject read, CancellationToken cancellationToken)
    {
        var sha = Sha256Hex.Of(new System.Text.UTF8Encoding(false).GetBytes(read.Json));
        // An overwrite behind the processor's back drops the metadata: the key's first version still names its digest.
        var digestKey = read.DigestKey ?? await FirstVersionDigestKeyAsync(bucketName, read.Key, cancellationToken).ConfigureAwait(false);
        if (digestKey is not null && digestKey.StartsWith(AuditKey.DigestsPrefix, StringComparison.Ordinal))
        {
            var digest = await DigestAsync(bucketName, digestKey, cancellationToken).ConfigureAwait(false);
            var listed = digest.Usable ? digest.Document!.Objects.Where(o => string.Equals(o.Key, read.Key, StringComparison.Ordinal)).ToList() : new List<DigestEntry>();
            if (listed.Any(o => string.Equals(o.Sha256, sha, StringComparison.Ordinal)))
            {
                return digest.Signature == DigestSignatureCheck.Valid ? IntegrityMarks.Proven : IntegrityMarks.Unsigned;
            }

            if (await RepairedAsync(bucketName, read.Key, sha, cancellationToken).ConfigureAwait(false))
            {
                return IntegrityMarks.Repaired;
            }

            return listed.Count > 0 ? IntegrityMarks.Tampered : IntegrityMarks.NotInDigest;
        }

        if (await RepairedAsync(bucketName, read.Key, sha, cancellationToken).ConfigureAwait(false))
        {
            return IntegrityMarks.Repaired;
        }

        var first = await FirstDigestWrittenAsync(bucketName, cancellationToken).ConfigureAwait(false);
        return first is null || (read.LastModified is { } written && written < first) ? IntegrityMarks.Unsigned : IntegrityMarks.NotInDigest;
    }

    /// <summary>The digest key the key's oldest surviving version names (two requests, only for a record that names none).</summary>
    private async Task<string?> FirstVersionDigestKeyAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        var page = await store.ListVersionsAsync(bucketName, key, null, cancellationToken).ConfigureAwait(false);
        var oldest = VersionOrder.NewestFirst(page.Versions.Where(v => v.Key == key && !v.IsDeleteMarker).ToList()).LastOrDefault();
        return oldest is null ? null : await store.DigestKeyOfAsync(bucketName, key, oldest.VersionId, cancellationToken).ConfigureAwait(false);
    }

    private Task<StoredDigest> DigestAsync(string bucketName, string digestKey, CancellationToken cancellationToken)
    {
        lock (_read)
        {
            if (!_read.TryGetValue(digestKey, out var reading))
            {
                reading = _digests.ReadKeyAsync(bucketName, digestKey, cancellationToken);
                _read[digestKey] = reading;
            }

            return reading;
        }
    }

    private async Task<bool> RepairedAsync(string bucketName, string key, string sha, CancellationToken cancellationToken)
    {
        if (keys.Repairs is not { } repairKey)
        {
            return false;
        }

        if (_repairs is null)
        {
            var index = new DigestIndex();
            await new RepairRecordReader(store, repairKey, maxParallelReads).ReadAsync(bucketName, index, new List<TrailFinding>(), cancellationToken).ConfigureAwait(false);
            _repairs = index;
        }

        return _repairs.Vouches(key, sha);
    }

    private async Task<DateTime?> FirstDigestWrittenAsync(string bucketName, CancellationToken cancellationToken)
    {
        if (!_firstDigest.Known)
        {
            _firstDigest = (true, await FirstDigest.WrittenAsync(store, bucketName, cancellationToken).ConfigureAwait(false));
        }

        return _firstDigest.Value;
    }
}
