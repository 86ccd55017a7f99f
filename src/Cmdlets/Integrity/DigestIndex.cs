namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>One digest's word on one object: which digest, the SHA-256 of the bytes written, the stream record.</summary>
internal sealed record DigestedObject(string DigestKey, string Sha256, string? SequenceNumber, string? EventId);

/// <summary>
/// What the verified digests and repair records vouch for, by object key: the SHA-256 each digest gives (a retried or
/// replayed record writes the same key again, so a key may be listed more than once), and what signed repair records
/// wrote. Built once per check, read by every worker.
/// </summary>
internal sealed class DigestIndex
{
    private readonly Dictionary<string, List<DigestedObject>> _digested = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _repaired = new(StringComparer.Ordinal);
    private readonly HashSet<string> _lostOriginals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _byFolder = new(StringComparer.Ordinal);

    /// <summary>How many object keys digests list.</summary>
    public int DigestedKeys => _digested.Count;

    public IEnumerable<string> Keys => _digested.Keys;

    public void AddDigested(string key, DigestedObject entry)
    {
        if (!_digested.TryGetValue(key, out var entries))
        {
            entries = new List<DigestedObject>(1);
            _digested[key] = entries;
            var folder = FolderOf(key);
            if (!_byFolder.TryGetValue(folder, out var keys))
            {
                keys = new List<string>();
                _byFolder[folder] = keys;
            }

            keys.Add(key);
        }

        if (!entries.Any(e => string.Equals(e.Sha256, entry.Sha256, StringComparison.Ordinal)))
        {
            entries.Add(entry);
        }
    }

    /// <summary>A signed repair record wrote <paramref name="sha256"/> at <paramref name="key"/>.</summary>
    public void AddRepaired(string key, string sha256)
    {
        if (!_repaired.TryGetValue(key, out var shas))
        {
            shas = new HashSet<string>(StringComparer.Ordinal);
            _repaired[key] = shas;
        }

        shas.Add(sha256);
    }

    /// <summary>A signed repair record says the original of <paramref name="key"/> is lost (restored from the stream or reconciled).</summary>
    public void AddLostOriginal(string key) => _lostOriginals.Add(key);

    /// <summary>The digests' entries for a key (empty when no digest lists it).</summary>
    public IReadOnlyList<DigestedObject> Digested(string key) => _digested.TryGetValue(key, out var entries) ? entries : Array.Empty<DigestedObject>();

    /// <summary>True when a digest lists the key.</summary>
    public bool IsDigested(string key) => _digested.ContainsKey(key);

    /// <summary>True when <paramref name="sha256"/> is bytes a digest or a signed repair record vouches for at <paramref name="key"/>.</summary>
    public bool Vouches(string key, string sha256) =>
        (_digested.TryGetValue(key, out var entries) && entries.Any(e => string.Equals(e.Sha256, sha256, StringComparison.Ordinal)))
        || (_repaired.TryGetValue(key, out var shas) && shas.Contains(sha256));

    /// <summary>True when something (a digest or a signed repair record) vouches for some bytes at the key.</summary>
    public bool Covers(string key) => _digested.ContainsKey(key) || _repaired.ContainsKey(key);

    public bool OriginalLost(string key) => _lostOriginals.Contains(key);

    /// <summary>The digested keys directly in <paramref name="folder"/> (ending in '/').</summary>
    public IReadOnlyList<string> KeysIn(string folder) => _byFolder.TryGetValue(folder, out var keys) ? keys : Array.Empty<string>();

    /// <summary>The folders digested keys are in (an order's folder, quarantine/ and its subfolders).</summary>
    public IEnumerable<string> Folders => _byFolder.Keys;

    /// <summary>The folder of a key: everything up to and with its last '/'.</summary>
    public static string FolderOf(string key) => key.Substring(0, key.LastIndexOf('/') + 1);
}
