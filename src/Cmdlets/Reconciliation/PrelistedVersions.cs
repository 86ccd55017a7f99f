using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// The versions of every order folder from one paged listing of orders/ (pages of 1,000 versions), for a check of
/// the whole verified trail: one request per 1,000 versions instead of one per order. Verification already keeps
/// every digested key in memory (<see cref="DigestIndex"/>), so holding the listing costs the same order of memory.
/// A listing is a moment: the checker confirms every finding from it with a fresh listing of the order's folder, so
/// an object written after the listing is never reported missing.
/// </summary>
internal sealed class PrelistedVersions
{
    private static readonly IReadOnlyList<ObjectVersion> None = Array.Empty<ObjectVersion>();
    private readonly Dictionary<string, List<ObjectVersion>> _byFolder;

    private PrelistedVersions(Dictionary<string, List<ObjectVersion>> byFolder) => _byFolder = byFolder;

    /// <summary>Lists every version under orders/, page by page, grouped by order folder (objects directly under orders/ belong to none).</summary>
    public static async Task<PrelistedVersions> ListAsync(IVersionedObjects store, string bucketName, CancellationToken cancellationToken)
    {
        var byFolder = new Dictionary<string, List<ObjectVersion>>(StringComparer.Ordinal);
        List<ObjectVersion>? open = null;
        string? openFolder = null;
        await Paging.ForEachPageAsync((VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, AuditKey.OrdersPrefix, marker, cancel),
            page => page.Next,
            page =>
            {
                foreach (var version in page.Versions)
                {
                    // Keys arrive in order, so a folder's versions are consecutive: find (and allocate) the folder only when it changes.
                    if (openFolder is null || !version.Key.StartsWith(openFolder, StringComparison.Ordinal))
                    {
                        if (FolderOf(version.Key) is not { } folder)
                        {
                            continue;
                        }

                        openFolder = folder;
                        if (!byFolder.TryGetValue(folder, out open))
                        {
                            open = new List<ObjectVersion>();
                            byFolder[folder] = open;
                        }
                    }

                    open!.Add(version);
                }

                return Task.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
        return new PrelistedVersions(byFolder);
    }

    /// <summary>The folder's versions as listed (none when the listing found none), or null for a prefix outside orders/.</summary>
    public IReadOnlyList<ObjectVersion>? Of(string prefix) =>
        FolderOf(prefix) is not { } folder || !string.Equals(folder, prefix, StringComparison.Ordinal) ? null
            : _byFolder.TryGetValue(folder, out var versions) ? versions : None;

    /// <summary>The order folder a key is in (orders/&lt;id&gt;/), or null for a key directly under orders/ or elsewhere.</summary>
    private static string? FolderOf(string key)
    {
        if (!key.StartsWith(AuditKey.OrdersPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var slash = key.IndexOf('/', AuditKey.OrdersPrefix.Length);
        return slash < 0 ? null : key.Substring(0, slash + 1);
    }
}
