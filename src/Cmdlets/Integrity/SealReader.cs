using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// Reads seals from the bucket: lists a prefix's versions (a deleted seal is seen as deleted, and its surviving version
/// still counts), reads the current version (or, when it is deleted or does not verify, the newest one that does),
/// parses it and checks its signature with the digest key. A seal that does not parse or verify is one problem of its
/// key, never the end of the check.
/// </summary>
internal sealed class SealReader(IVersionedObjects store, DigestVerifier verifier, int maxParallelReads)
{
    /// <summary>A seal names one head per chain that wrote since the previous seal: far below this.</summary>
    internal const long MaxSealBytes = 16L * 1024 * 1024;

    /// <summary>Every seal key under <paramref name="prefix"/>.</summary>
    public async Task<IReadOnlyList<StoredSeal>> ReadPrefixAsync(string bucketName, string prefix, CancellationToken cancellationToken)
    {
        var versions = await Paging.ReadAllAsync((Stacks.VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, prefix, marker, cancel),
            page => page.Next, page => page.Versions, cancellationToken).ConfigureAwait(false);
        var keys = versions.Where(v => v.Key.EndsWith(".json", StringComparison.Ordinal)).GroupBy(v => v.Key, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        return await BoundedConcurrency.MapAsync(keys, maxParallelReads, key => ReadVersionsAsync(bucketName, key[0].Key, key, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>One seal by key (a previous seal named by a link): its versions listed, so a deletion is told from a key that never existed.</summary>
    public async Task<StoredSeal> ReadKeyAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        var versions = await Paging.ReadAllAsync((Stacks.VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, key, marker, cancel),
            page => page.Next, page => page.Versions, cancellationToken).ConfigureAwait(false);
        return await ReadVersionsAsync(bucketName, key, versions.Where(v => string.Equals(v.Key, key, StringComparison.Ordinal)).ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The key of the first seal ever written (seal keys sort by time), one request; null when there is none.</summary>
    public async Task<string?> FirstKeyAsync(string bucketName, CancellationToken cancellationToken)
    {
        var page = await store.ListVersionsAsync(bucketName, Processor.Audit.AuditKey.SealsPrefix, null, cancellationToken).ConfigureAwait(false);
        return page.Versions.Select(v => v.Key).Where(k => k.EndsWith(".json", StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal).FirstOrDefault();
    }

    private async Task<StoredSeal> ReadVersionsAsync(string bucketName, string key, IReadOnlyList<ObjectVersion> listed, CancellationToken cancellationToken)
    {
        var versions = VersionOrder.NewestFirst(listed);
        var surviving = versions.Where(v => !v.IsDeleteMarker).ToList();
        if (surviving.Count == 0)
        {
            return new StoredSeal(key, null, null, DigestSignatureCheck.Invalid) { Deleted = true, Gone = true, Problem = "no version of the seal is left" };
        }

        var deleted = VersionOrder.Current(listed, versions).IsDeleteMarker;
        string? currentSha = null;
        string? problem = null;
        foreach (var version in surviving)
        {
            var read = await ReadOneAsync(bucketName, key, version.VersionId, cancellationToken).ConfigureAwait(false);
            if (ReferenceEquals(version, surviving[0]) && !deleted)
            {
                (currentSha, problem) = (read.Sha256, read.Problem);
            }

            if (read.Problem is null)
            {
                return new StoredSeal(key, read.Seal, read.Sha256, read.Signature) { Deleted = deleted, CurrentSha256 = currentSha, Problem = problem };
            }
        }

        return new StoredSeal(key, null, currentSha, DigestSignatureCheck.Invalid)
        {
            Deleted = deleted, CurrentSha256 = currentSha, Problem = problem ?? "no surviving version is a valid seal",
        };
    }

    private async Task<(SealDocument? Seal, string? Sha256, DigestSignatureCheck Signature, string? Problem)> ReadOneAsync(string bucketName, string key, string versionId,
        CancellationToken cancellationToken)
    {
        byte[]? bytes;
        try
        {
            bytes = await store.ReadBytesAsync(bucketName, key, versionId, MaxSealBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (UnreadableObjectException unreadable)
        {
            return (null, null, DigestSignatureCheck.Invalid, unreadable.Message);
        }

        if (bytes is null)
        {
            return (null, null, DigestSignatureCheck.Invalid, "the version could not be read (gone)");
        }

        var sha = Sha256Hex.Of(bytes);
        SealDocument seal;
        try
        {
            seal = SealDocument.Parse(Encoding.UTF8.GetString(bytes), key);
        }
        catch (InvalidDataException malformed)
        {
            return (null, sha, DigestSignatureCheck.Invalid, malformed.Message);
        }

        if (!string.Equals(seal.Key, key, StringComparison.Ordinal))
        {
            return (seal, sha, DigestSignatureCheck.Invalid, $"it states it was sealed at {seal.SealedAt:u}, which is stored at {seal.Key}, not here");
        }

        var signature = verifier.CheckSignature(seal);
        return signature == DigestSignatureCheck.Invalid
            ? (seal, sha, signature, "its signature does not verify with the digest signing key's public key")
            : (seal, sha, signature, null);
    }
}
