using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>One version of a signed document as read: the document when it parsed, the SHA-256 of its bytes, its signature, and what is wrong with it.</summary>
internal sealed record VersionRead<T>(T? Document, string? Sha256, DigestSignatureCheck Signature, string? Problem)
    where T : class;

/// <summary>
/// A signed document's key (a digest, a seal) judged over its versions: the document vouched for (the current version
/// when it verifies, else the newest surviving version that does), and what is wrong with the key itself.
/// </summary>
internal sealed record VersionedRead<T>(string Key, T? Document, string? Sha256, DigestSignatureCheck Signature)
    where T : class
{
    /// <summary>The current version is a delete marker (or no version is left at all).</summary>
    public bool Deleted { get; init; }

    /// <summary>No version of the key is left.</summary>
    public bool Gone { get; init; }

    /// <summary>The current version's bytes hash to this.</summary>
    public string? CurrentSha256 { get; init; }

    /// <summary>Why the current version cannot be trusted; null when it can.</summary>
    public string? Problem { get; init; }

    /// <summary>When the key's first version was written (S3's time).</summary>
    public DateTime? FirstWritten { get; init; }

    /// <summary>The document parsed and is not forged (signed and verifying, or unsigned: something signed later may still vouch for it).</summary>
    public bool Usable => Document is not null && Signature != DigestSignatureCheck.Invalid;

    /// <summary>True when <paramref name="sha256"/> is the bytes of a version of this key that was read.</summary>
    public bool Holds(string sha256) => string.Equals(Sha256, sha256, StringComparison.Ordinal) || string.Equals(CurrentSha256, sha256, StringComparison.Ordinal);
}

/// <summary>How digests and seals are read with their versions: so a deleted one is seen as deleted, and its surviving version still counts.</summary>
internal static class SignedVersions
{
    /// <summary>The versions of every key under <paramref name="prefix"/> ending in .json, one list per key.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<ObjectVersion>>> ListByKeyAsync(IVersionedObjects store, string bucketName, string prefix,
        CancellationToken cancellationToken)
    {
        var versions = await ListAsync(store, bucketName, prefix, cancellationToken).ConfigureAwait(false);
        return versions.Where(v => v.Key.EndsWith(".json", StringComparison.Ordinal)).GroupBy(v => v.Key, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<ObjectVersion>)g.ToList()).ToList();
    }

    /// <summary>The versions of exactly <paramref name="key"/> (a key named by a link), so a deletion is told from a key that never existed.</summary>
    public static async Task<IReadOnlyList<ObjectVersion>> ListKeyAsync(IVersionedObjects store, string bucketName, string key, CancellationToken cancellationToken)
    {
        var versions = await ListAsync(store, bucketName, key, cancellationToken).ConfigureAwait(false);
        return versions.Where(v => string.Equals(v.Key, key, StringComparison.Ordinal)).ToList();
    }

    /// <summary>
    /// Reads the versions newest first until one verifies: the current version when it does, else the newest older
    /// one that does (what it vouched for stays vouched for); a validly signed version outranks newer unsigned ones (an
    /// unsigned version over a signed one is a replacement, reported as the key's problem); when no version is signed,
    /// the newest unsigned one that parses. <paramref name="what"/> names the document in problems.
    /// </summary>
    public static async Task<VersionedRead<T>> ReadAsync<T>(string key, IReadOnlyList<ObjectVersion> listed, Func<string, Task<VersionRead<T>>> readVersion, string what)
        where T : class
    {
        var versions = VersionOrder.NewestFirst(listed);
        var surviving = versions.Where(v => !v.IsDeleteMarker).ToList();
        if (surviving.Count == 0)
        {
            return new VersionedRead<T>(key, null, null, DigestSignatureCheck.Invalid) { Deleted = true, Gone = true, Problem = $"no version of the {what} is left" };
        }

        var firstWritten = surviving[surviving.Count - 1].LastModified;
        var deleted = VersionOrder.Current(listed, versions).IsDeleteMarker;
        string? currentSha = null;
        string? problem = null;
        VersionRead<T>? newestUnsigned = null;
        foreach (var version in surviving)
        {
            var read = await readVersion(version.VersionId).ConfigureAwait(false);
            if (ReferenceEquals(version, surviving[0]) && !deleted)
            {
                (currentSha, problem) = (read.Sha256, read.Problem);
            }

            if (read.Problem is not null)
            {
                continue;
            }

            if (read.Signature == DigestSignatureCheck.Unsigned)
            {
                // The writer puts each key once (a retry puts the same bytes), so an unsigned version above a signed one
                // with other bytes is a replacement by someone without the key: look on for a signed version.
                newestUnsigned ??= read;
                continue;
            }

            var replaced = newestUnsigned is { } unsigned && !string.Equals(unsigned.Sha256, read.Sha256, StringComparison.Ordinal);
            return new VersionedRead<T>(key, read.Document, read.Sha256, read.Signature)
            {
                Deleted = deleted, CurrentSha256 = currentSha, FirstWritten = firstWritten,
                Problem = problem ?? (replaced && currentSha is not null && !string.Equals(currentSha, read.Sha256, StringComparison.Ordinal)
                    ? $"it is an unsigned version (SHA-256 {currentSha}) written over a signed {what} (SHA-256 {read.Sha256})"
                    : null),
            };
        }

        if (newestUnsigned is { } onlyUnsigned)
        {
            return new VersionedRead<T>(key, onlyUnsigned.Document, onlyUnsigned.Sha256, onlyUnsigned.Signature)
            {
                Deleted = deleted, CurrentSha256 = currentSha, Problem = problem, FirstWritten = firstWritten,
            };
        }

        return new VersionedRead<T>(key, null, currentSha, DigestSignatureCheck.Invalid)
        {
            Deleted = deleted, CurrentSha256 = currentSha, Problem = problem ?? $"no surviving version is a valid {what}", FirstWritten = firstWritten,
        };
    }

    private static Task<List<ObjectVersion>> ListAsync(IVersionedObjects store, string bucketName, string prefix, CancellationToken cancellationToken) =>
        Paging.ReadAllAsync((Stacks.VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, prefix, marker, cancel),
            page => page.Next, page => page.Versions, cancellationToken);
}
