using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Digests;
using StoredDigest = OrderMonitoring.Cmdlets.Integrity.VersionedRead<OrderMonitoring.Processor.Digests.DigestDocument>;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>
/// Reads digests from the bucket: lists a prefix's versions (so a deleted digest is seen as deleted, and its
/// surviving version still vouches for its objects), reads each key's current version, parses it and checks its
/// signature. A digest that does not parse or verify is one problem of its key, never the end of the check.
/// </summary>
internal sealed class DigestReader(IVersionedObjects store, DigestVerifier verifier, int maxParallelReads)
{
    /// <summary>A digest lists at most a batch (10,000 records) of entries: far below this.</summary>
    internal const long MaxDigestBytes = 64L * 1024 * 1024;

    /// <summary>How many versions of one digest are read, at most, to find the bytes a link or seal names (each overwrite is one version).</summary>
    internal const int MaxVersionsSearched = 32;

    /// <summary>Every digest key under <paramref name="prefix"/>.</summary>
    public async Task<IReadOnlyList<StoredDigest>> ReadPrefixAsync(string bucketName, string prefix, CancellationToken cancellationToken)
    {
        var versions = await Paging.ReadAllAsync((Stacks.VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, prefix, marker, cancel),
            page => page.Next, page => page.Versions, cancellationToken).ConfigureAwait(false);
        var keys = versions.Where(v => v.Key.EndsWith(".json", StringComparison.Ordinal)).GroupBy(v => v.Key, StringComparer.Ordinal)
            .Select(g => g.ToList()).ToList();
        return await BoundedConcurrency.MapAsync(keys, maxParallelReads, key => ReadKeyAsync(bucketName, key[0].Key, key, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>One digest by key (a predecessor named by a link): its versions listed, so a deletion is told from a key that never existed.</summary>
    public async Task<StoredDigest> ReadKeyAsync(string bucketName, string key, CancellationToken cancellationToken) =>
        await ReadKeyAsync(bucketName, key, await SignedVersions.ListKeyAsync(store, bucketName, key, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);

    /// <summary>
    /// The version of <paramref name="read"/>'s key whose bytes hash to <paramref name="sha256"/>, when a trusted link or
    /// seal (<paramref name="namedBy"/>) names those bytes and the version read is another: an unsigned digest verifies
    /// whatever it says, so only the named bytes count. Its current version becomes the key's problem. Null when no
    /// surviving version (of the newest <see cref="MaxVersionsSearched"/>) holds them.
    /// </summary>
    public async Task<StoredDigest?> ReadVersionWithAsync(string bucketName, StoredDigest read, string sha256, string namedBy, CancellationToken cancellationToken)
    {
        var listed = await SignedVersions.ListKeyAsync(store, bucketName, read.Key, cancellationToken).ConfigureAwait(false);
        foreach (var version in VersionOrder.NewestFirst(listed).Where(v => !v.IsDeleteMarker).Take(MaxVersionsSearched))
        {
            var (document, sha, signature, problem) = await ReadOneAsync(bucketName, read.Key, version.VersionId, cancellationToken).ConfigureAwait(false);
            if (document is not null && problem is null && string.Equals(sha, sha256, StringComparison.Ordinal))
            {
                var current = read.Deleted
                    ? $"its current version is a delete marker and the newest version that verifies hashes to {read.Sha256 ?? "nothing readable"}"
                    : $"its current version hashes to {read.CurrentSha256 ?? "nothing readable"}";
                return new StoredDigest(read.Key, document, sha, signature)
                {
                    Deleted = read.Deleted, CurrentSha256 = read.CurrentSha256, FirstWritten = read.FirstWritten,
                    Problem = $"{current}, which differs from the bytes {namedBy} names (SHA-256 {sha256}); version {version.VersionId} has them and vouches for its objects",
                };
            }
        }

        return null;
    }

    private async Task<StoredDigest> ReadKeyAsync(string bucketName, string key, IReadOnlyList<ObjectVersion> listed, CancellationToken cancellationToken)
    {
        var read = await SignedVersions.ReadAsync(key, listed, async versionId =>
        {
            var (document, sha, signature, problem) = await ReadOneAsync(bucketName, key, versionId, cancellationToken).ConfigureAwait(false);
            return new VersionRead<DigestDocument>(document, sha, signature, problem);
        }, "digest").ConfigureAwait(false);
        return read;
    }

    private async Task<(DigestDocument? Document, string? Sha256, DigestSignatureCheck Signature, string? Problem)> ReadOneAsync(string bucketName, string key,
        string versionId, CancellationToken cancellationToken)
    {
        byte[]? bytes;
        try
        {
            bytes = await store.ReadBytesAsync(bucketName, key, versionId, MaxDigestBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (UnreadableObjectException large)
        {
            return (null, null, DigestSignatureCheck.Invalid, large.Message);
        }

        if (bytes is null)
        {
            return (null, null, DigestSignatureCheck.Invalid, "the version could not be read (gone)");
        }

        var sha = Sha256Hex.Of(bytes);
        DigestDocument document;
        try
        {
            document = DigestDocument.Parse(Encoding.UTF8.GetString(bytes), key);
        }
        catch (InvalidDataException malformed)
        {
            return (null, sha, DigestSignatureCheck.Invalid, malformed.Message);
        }

        if (!AuditKeyOf(document, out var expected) || !string.Equals(expected, key, StringComparison.Ordinal))
        {
            return (document, sha, DigestSignatureCheck.Invalid, $"it states chain '{document.Chain}' position {document.Position} of {document.WrittenAt:u}, which is stored at {expected ?? "no valid key"}, not here");
        }

        var signature = verifier.CheckSignature(document);
        return signature == DigestSignatureCheck.Invalid
            ? (document, sha, signature, "its signature does not verify with the digest signing key's public key")
            : (document, sha, signature, null);
    }

    private static bool AuditKeyOf(DigestDocument document, out string? key)
    {
        try
        {
            key = document.Key;
            return true;
        }
        catch (ArgumentException)
        {
            key = null;
            return false;
        }
    }
}
