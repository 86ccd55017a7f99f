using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// The versions of every order folder from one paged listing of orders/ (pages of 1,000 versions), for a check of
/// the whole verified trail: one request per 1,000 versions instead of one per order. Verification already keeps
/// every digested key in memory (<see cref="DigestIndex"/>), so holding the listing costs the same order of memory.
/// A folder is handed out as soon as the listing has passed it, so orders are checked while the listing goes on.
/// A listing is a moment: the checker confirms every finding from it with a fresh listing of the order's folder, so
/// an object written after the listing is never reported missing.
/// </summary>
internal sealed class PrelistedVersions
{
    private static readonly IReadOnlyList<ObjectVersion> None = Array.Empty<ObjectVersion>();
    private readonly object _gate = new();
    private readonly Dictionary<string, List<ObjectVersion>> _byFolder = new(StringComparer.Ordinal);
    private readonly List<(string Folder, TaskCompletionSource<bool> Passed)> _waiting = new();
    private string? _lastKey;
    private bool _complete;
    private Exception? _failure;

    private PrelistedVersions()
    {
    }

    private Task _listing = Task.CompletedTask;

    /// <summary>Starts listing every version under orders/, page by page, grouped by order folder (objects directly under orders/ belong to none).</summary>
    public static PrelistedVersions Start(IVersionedObjects store, string bucketName, CancellationToken cancellationToken)
    {
        var listing = new PrelistedVersions();
        listing._listing = listing.ListAsync(store, bucketName, cancellationToken);
        return listing;
    }

    /// <summary>Waits for the listing to end; throws its error when it failed.</summary>
    public async Task CompletedAsync()
    {
        await _listing.ConfigureAwait(false);
        lock (_gate)
        {
            if (_failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_failure).Throw();
            }
        }
    }

    /// <summary>
    /// The folder's versions as listed (none when the listing found none), once the listing has passed the folder;
    /// null for a prefix that is not an order folder. Throws the listing's error when it failed.
    /// </summary>
    public async Task<IReadOnlyList<ObjectVersion>?> OfAsync(string prefix)
    {
        if (!string.Equals(FolderOf(prefix), prefix, StringComparison.Ordinal))
        {
            return null;
        }

        Task<bool> passed;
        lock (_gate)
        {
            if (_failure is not null)
            {
                passed = Task.FromException<bool>(_failure);
            }
            else if (_complete || Passed(prefix))
            {
                return _byFolder.TryGetValue(prefix, out var listed) ? listed : None;
            }
            else
            {
                var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add((prefix, waiter));
                passed = waiter.Task;
            }
        }

        await passed.ConfigureAwait(false);
        return await OfAsync(prefix).ConfigureAwait(false);
    }

    private async Task ListAsync(IVersionedObjects store, string bucketName, CancellationToken cancellationToken)
    {
        List<ObjectVersion>? open = null;
        string? openFolder = null;
        try
        {
            await Paging.ForEachPageAsync((VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, AuditKey.OrdersPrefix, marker, cancel),
                page => page.Next,
                page =>
                {
                    List<TaskCompletionSource<bool>> released;
                    lock (_gate)
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
                                if (!_byFolder.TryGetValue(folder, out open))
                                {
                                    open = new List<ObjectVersion>();
                                    _byFolder[folder] = open;
                                }
                            }

                            open!.Add(version);
                        }

                        _lastKey = page.Versions.Count > 0 ? page.Versions[page.Versions.Count - 1].Key : _lastKey;
                        _complete = page.Next is null;
                        released = Release(w => _complete || Passed(w.Folder));
                    }

                    released.ForEach(w => w.TrySetResult(true));
                    return Task.CompletedTask;
                }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failed)
        {
            List<TaskCompletionSource<bool>> waiting;
            lock (_gate)
            {
                _failure = failed;
                waiting = Release(_ => true);
            }

            // Kept, not thrown: every waiter gets it now, CompletedAsync later; the listing's own task never faults unobserved.
            waiting.ForEach(w => w.TrySetException(failed));
        }
    }

    private List<TaskCompletionSource<bool>> Release(Func<(string Folder, TaskCompletionSource<bool> Passed), bool> done)
    {
        var released = _waiting.Where(done).Select(w => w.Passed).ToList();
        _waiting.RemoveAll(w => released.Contains(w.Passed));
        return released;
    }

    /// <summary>
    /// True when the listing has gone past every key of the folder. S3 lists keys in UTF-8 byte order, which agrees
    /// with ordinal order against an ASCII folder (the processor's folders are escaped); any other waits for the end.
    /// </summary>
    private bool Passed(string folder) =>
        _lastKey is { } last && IsAscii(folder) && !last.StartsWith(folder, StringComparison.Ordinal) && string.CompareOrdinal(last, folder) > 0;

    private static bool IsAscii(string text) => text.All(c => c < 0x80);

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
