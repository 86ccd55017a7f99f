using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Digests;
using StoredSeal = OrderMonitoring.Cmdlets.Integrity.VersionedRead<OrderMonitoring.Processor.Digests.SealDocument>;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// Reads seals from the bucket with their versions (<see cref="SignedVersions"/>): a deleted seal is seen as deleted and
/// its surviving version still counts; each version is parsed, must be stored where its time says, and its signature
/// is checked with the digest key. A seal that does not parse or verify is one problem of its key, never the end of
/// the check.
/// </summary>
internal sealed class SealReader(IVersionedObjects store, DigestVerifier verifier, int maxParallelReads)
{
    /// <summary>A seal names one head per chain that wrote since the previous seal: far below this.</summary>
    internal const long MaxSealBytes = 16L * 1024 * 1024;

    /// <summary>Every seal key under <paramref name="prefix"/>.</summary>
    public async Task<IReadOnlyList<StoredSeal>> ReadPrefixAsync(string bucketName, string prefix, CancellationToken cancellationToken)
    {
        var keys = await SignedVersions.ListByKeyAsync(store, bucketName, prefix, cancellationToken).ConfigureAwait(false);
        return await BoundedConcurrency.MapAsync(keys, maxParallelReads, key => ReadAsync(bucketName, key[0].Key, key, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>One seal by key (a previous seal named by a link).</summary>
    public async Task<StoredSeal> ReadKeyAsync(string bucketName, string key, CancellationToken cancellationToken) =>
        await ReadAsync(bucketName, key, await SignedVersions.ListKeyAsync(store, bucketName, key, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);

    /// <summary>The key of the first seal ever written (seal keys sort by time), one request; null when there is none.</summary>
    public async Task<string?> FirstKeyAsync(string bucketName, CancellationToken cancellationToken)
    {
        var page = await store.ListVersionsAsync(bucketName, Processor.Audit.AuditKey.SealsPrefix, null, cancellationToken).ConfigureAwait(false);
        return page.Versions.Select(v => v.Key).Where(k => k.EndsWith(".json", StringComparison.Ordinal)).OrderBy(k => k, StringComparer.Ordinal).FirstOrDefault();
    }

    private Task<StoredSeal> ReadAsync(string bucketName, string key, IReadOnlyList<ObjectVersion> listed, CancellationToken cancellationToken) =>
        SignedVersions.ReadAsync(key, listed, versionId => ReadOneAsync(bucketName, key, versionId, cancellationToken), "seal");

    private async Task<VersionRead<SealDocument>> ReadOneAsync(string bucketName, string key, string versionId, CancellationToken cancellationToken)
    {
        byte[]? bytes;
        try
        {
            bytes = await store.ReadBytesAsync(bucketName, key, versionId, MaxSealBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (UnreadableObjectException unreadable)
        {
            return new(null, null, DigestSignatureCheck.Invalid, unreadable.Message);
        }

        if (bytes is null)
        {
            return new(null, null, DigestSignatureCheck.Invalid, "the version could not be read (gone)");
        }

        var sha = Sha256Hex.Of(bytes);
        SealDocument seal;
        try
        {
            seal = SealDocument.Parse(Encoding.UTF8.GetString(bytes), key);
        }
        catch (InvalidDataException malformed)
        {
            return new(null, sha, DigestSignatureCheck.Invalid, malformed.Message);
        }

        if (!string.Equals(seal.Key, key, StringComparison.Ordinal))
        {
            return new(seal, sha, DigestSignatureCheck.Invalid, $"it states it was sealed at {seal.SealedAt:u}, which is stored at {seal.Key}, not here");
        }

        var signature = verifier.CheckSignature(seal);
        return signature == DigestSignatureCheck.Invalid
            ? new(seal, sha, signature, "its signature does not verify with the digest signing key's public key")
            : new(seal, sha, signature, null);
    }
}
