using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Digests;

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
    public async Task<StoredDigest> ReadKeyAsync(string bucketName, string key, CancellationToken cancellationToken)
    {
        var versions = await Paging.ReadAllAsync((Stacks.VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, key, marker, cancel),
            page => page.Next, page => page.Versions, cancellationToken).ConfigureAwait(false);
        return await ReadKeyAsync(bucketName, key, versions.Where(v => string.Equals(v.Key, key, StringComparison.Ordinal)).ToList(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<StoredDigest> ReadKeyAsync(string bucketName, string key, IReadOnlyList<ObjectVersion> listed, CancellationToken cancellationToken)
    {
        var versions = VersionOrder.NewestFirst(listed);
        var surviving = versions.Where(v => !v.IsDeleteMarker).ToList();
        var firstWritten = surviving.Count > 0 ? surviving[surviving.Count - 1].LastModified : null;
        if (surviving.Count == 0)
        {
            return new StoredDigest(key, null, null, DigestSignatureCheck.Invalid) { Deleted = true, Gone = true, Problem = "no version of the digest is left" };
        }

        var deleted = VersionOrder.Current(listed, versions).IsDeleteMarker;
        string? currentSha = null;
        string? problem = null;
        // Newest first: the current version when it verifies; else the newest older version that does (its objects stay vouched for).
        foreach (var version in surviving)
        {
            var read = await ReadOneAsync(bucketName, key, version.VersionId, cancellationToken).ConfigureAwait(false);
            var isCurrent = ReferenceEquals(version, surviving[0]) && !deleted;
            if (isCurrent)
            {
                currentSha = read.Sha256;
                problem = read.Problem;
            }

            if (read.Problem is null)
            {
                return new StoredDigest(key, read.Document, read.Sha256, read.Signature)
                {
                    Deleted = deleted, CurrentSha256 = currentSha, Problem = problem, FirstWritten = firstWritten,
                };
            }
        }

        return new StoredDigest(key, null, currentSha, DigestSignatureCheck.Invalid)
        {
            Deleted = deleted, CurrentSha256 = currentSha, Problem = problem ?? "no surviving version is a valid digest", FirstWritten = firstWritten,
        };
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
