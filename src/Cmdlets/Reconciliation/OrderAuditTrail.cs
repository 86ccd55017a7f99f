using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>One audit object whose facts are trusted: the proven version (verified), else the first version when it was overwritten, the newest surviving one when deleted.</summary>
internal sealed record AuditedObject(string Key, AuditDocument Facts);

/// <summary>Objects written before digests existed, as one count with the oldest and newest first-write times.</summary>
internal sealed record HistoryCount(int Objects, DateTime? Oldest, DateTime? Newest)
{
    public static HistoryCount None { get; } = new(0, null, null);

    public HistoryCount Add(DateTime? written) => new(Objects + 1, Min(Oldest, written), Max(Newest, written));

    public HistoryCount Add(HistoryCount other) => new(Objects + other.Objects, Min(Oldest, other.Oldest), Max(Newest, other.Newest));

    private static DateTime? Min(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTime? Max(DateTime? a, DateTime? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

/// <summary>
/// One order's audit objects with their versions: which objects state which facts, and what happened to the objects
/// themselves (deleted, overwritten with other facts, not an audit document, never written by the processor).
/// </summary>
internal sealed class OrderAuditTrail
{
    public OrderAuditTrail(string prefix, IReadOnlyList<AuditedObject> objects, IReadOnlyList<CheckedFinding> findings, IReadOnlyCollection<string> keys)
    {
        Prefix = prefix;
        Objects = objects;
        Findings = findings;
        Keys = keys;
        LatestSequence = keys.Where(key => !AuditKey.IsReconciliationKey(key)).Select(AuditKey.SequenceOf).Where(s => s is not null)
            .OrderBy(s => s, StringComparer.Ordinal).LastOrDefault();
    }

    public string Prefix { get; }

    /// <summary>The readable objects whose facts count, in key order (stream order).</summary>
    public IReadOnlyList<AuditedObject> Objects { get; }

    /// <summary>DeletedAudit, TamperedAudit, UnreadableAudit and ForgedAudit findings.</summary>
    public IReadOnlyList<CheckedFinding> Findings { get; }

    /// <summary>Every key under the prefix (deleted ones included).</summary>
    public IReadOnlyCollection<string> Keys { get; }

    /// <summary>The newest stream sequence number among the keys (40 digits), or null.</summary>
    public string? LatestSequence { get; }

    /// <summary>
    /// The sequence numbers (40 digits) of digested records none of whose vouched-for bytes are left: the facts they
    /// stated are unknown, so table differences they may explain are not reported again beside their DeletedAudit.
    /// </summary>
    public IReadOnlyList<string> LostSequences { get; init; } = Array.Empty<string>();

    /// <summary>Objects written before digests existed (verified checks only).</summary>
    public HistoryCount History { get; init; } = HistoryCount.None;
}

/// <summary>
/// Loads an <see cref="OrderAuditTrail"/>: one paged version listing of the order's prefix, then bounded parallel
/// reads. With a verified trail every key is judged by its digested SHA-256 first (<see cref="KeyProof"/>); keys from
/// before digests are judged by their versions, as without digests.
/// </summary>
internal sealed class OrderAuditTrailReader(IAuditVersionStore store, int maxParallelReads)
{
    /// <summary>
    /// An audit document holds at most two images of a 400 KB DynamoDB item, as JSON (escaping can grow a string six
    /// times): far below this. Larger objects are one UnreadableAudit finding, never read into memory.
    /// </summary>
    internal const long MaxAuditObjectBytes = 8L * 1024 * 1024;

    /// <param name="bucketName">The audit bucket.</param>
    /// <param name="prefix">The order's folder (<see cref="AuditKey.OrderPrefix"/>).</param>
    /// <param name="orderId">The order id when known (from the table or the caller), for findings on unreadable objects.</param>
    /// <param name="verified">The verified digests; null judges by versions alone (a stack without digests).</param>
    /// <param name="cancellationToken">Cancels the listing and the reads.</param>
    /// <param name="listedVersions">The folder's versions from a listing already made (<see cref="PrelistedVersions"/>); null lists the folder.</param>
    public async Task<OrderAuditTrail> ReadAsync(string bucketName, string prefix, string? orderId, VerifiedTrail? verified, CancellationToken cancellationToken,
        IReadOnlyList<ObjectVersion>? listedVersions = null)
    {
        var versions = listedVersions ?? await Paging.ReadAllAsync((VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, prefix, marker, cancel),
            page => page.Next, page => page.Versions, cancellationToken).ConfigureAwait(false);
        var byKey = versions.GroupBy(v => v.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyVersions(g.Key, g.ToList())).ToList();
        var name = orderId ?? OrderNameOf(prefix);
        var reads = new ReadCache(store, bucketName, maxParallelReads);
        if (verified is null)
        {
            return await JudgeByVersionsAsync(prefix, name, byKey, reads, bucketName, cancellationToken).ConfigureAwait(false);
        }

        // Read every current version a digest covers, and the versions the keys from before digests need, at once.
        var covered = byKey.Where(k => verified.Index.Covers(k.Key)).ToList();
        var byVersions = byKey.Where(k => !verified.Index.Covers(k.Key) && !verified.Judges(k.FirstWritten)).ToList();
        await reads.LoadAsync(covered.Where(k => !k.Current.IsDeleteMarker).Select(k => new VersionRead(k.Key, k.Current.VersionId))
            .Concat(byVersions.SelectMany(k => k.VersionsToRead())).Distinct().ToList(), cancellationToken).ConfigureAwait(false);

        var objects = new List<AuditedObject>();
        var findings = new List<CheckedFinding>();
        var lost = new List<string>();
        var history = HistoryCount.None;
        foreach (var key in byKey)
        {
            var current = new VersionRead(key.Key, key.Current.VersionId);
            var unreadable = !key.Current.IsDeleteMarker && verified.Index.Covers(key.Key) ? reads.ProblemOf(current) : null;
            var currentSha = key.Current.IsDeleteMarker ? null
                : unreadable is not null ? await reads.StoredOrReadSha256Async(current, cancellationToken).ConfigureAwait(false)
                : reads.Sha256Of(current);
            var verdict = await KeyProof.JudgeAsync(key.Key, key.Listed, verified, currentSha,
                version => reads.StoredOrReadSha256Async(new VersionRead(key.Key, version.VersionId), cancellationToken)).ConfigureAwait(false);
            if (unreadable is not null)
            {
                // One finding for an object that cannot be read (too large, archived, refused), never the end of the check;
                // when an older version has the digested bytes, the object was also replaced.
                findings.Add(new CheckedFinding(AuditFindingKind.UnreadableAudit, name, null, key.Key, $"the current version cannot be read: {unreadable}"));
                if (verdict.State != KeyState.Restorable)
                {
                    continue;
                }
            }

            switch (verdict.State)
            {
                case KeyState.Proven:
                case KeyState.Restorable:
                    var read = new VersionRead(key.Key, verdict.ProvenVersionId);
                    await reads.LoadAsync(new[] { read }, cancellationToken).ConfigureAwait(false);
                    var (facts, problem) = KeyVersions.Parse(reads.TextOf(read), prefix, bucketName);
                    if (facts is not null)
                    {
                        objects.Add(new AuditedObject(key.Key, facts));
                    }
                    else
                    {
                        findings.Add(new CheckedFinding(AuditFindingKind.UnreadableAudit, name, null, key.Key, $"the digested version is not an audit document: {problem}"));
                    }

                    AddVerdict(findings, verdict, facts?.OrderId ?? name, facts?.Timestamp);
                    break;
                case KeyState.Lost:
                    lost.Add(verdict.Finding?.SequenceNumber ?? verified.Index.Digested(key.Key).FirstOrDefault()?.SequenceNumber ?? "");
                    AddVerdict(findings, verdict, name, null);
                    break;
                case KeyState.Forged:
                    // Its facts never count: a forged object supplies nothing the table is compared with.
                    AddVerdict(findings, verdict, name, null);
                    break;
                case KeyState.Withdrawn:
                    break;
                default:
                    if (verdict.State == KeyState.History)
                    {
                        history = history.Add(key.FirstWritten);
                    }

                    var (old, finding) = key.Judge(reads.Texts, prefix, name, bucketName);
                    if (old is not null)
                    {
                        objects.Add(new AuditedObject(key.Key, old));
                    }

                    if (finding is not null)
                    {
                        findings.Add(finding);
                    }

                    break;
            }
        }

        var listed = new HashSet<string>(byKey.Select(k => k.Key), StringComparer.Ordinal);
        foreach (var vanished in verified.Index.KeysIn(prefix).Where(k => !listed.Contains(k)))
        {
            var verdict = KeyProof.Vanished(vanished, verified.Index);
            lost.Add(verified.Index.Digested(vanished).FirstOrDefault()?.SequenceNumber ?? "");
            AddVerdict(findings, verdict, name, null);
        }

        return new OrderAuditTrail(prefix, objects, findings, byKey.Select(k => k.Key).Concat(verified.Index.KeysIn(prefix).Where(k => !listed.Contains(k))).ToList())
        {
            LostSequences = lost.Select(Padded).ToList(),
            History = history,
        };
    }

    /// <summary>
    /// Objects that are not an order's audit records (the quarantine) against the digests alone: deleted, tampered
    /// with or forged; objects from before digests are not judged.
    /// </summary>
    public async Task<IReadOnlyList<CheckedFinding>> JudgeObjectsAsync(string bucketName, string prefix, VerifiedTrail verified, CancellationToken cancellationToken)
    {
        var versions = await Paging.ReadAllAsync((VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, prefix, marker, cancel), page => page.Next,
            page => page.Versions, cancellationToken).ConfigureAwait(false);
        var byKey = versions.GroupBy(v => v.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new KeyVersions(g.Key, g.ToList())).ToList();
        var reads = new ReadCache(store, bucketName, maxParallelReads);
        await reads.LoadAsync(byKey.Where(k => verified.Index.Covers(k.Key) && !k.Current.IsDeleteMarker).Select(k => new VersionRead(k.Key, k.Current.VersionId)).ToList(),
            cancellationToken).ConfigureAwait(false);
        var findings = new List<CheckedFinding>();
        var name = prefix.TrimEnd('/');
        foreach (var key in byKey)
        {
            var currentSha = key.Current.IsDeleteMarker ? null : reads.Sha256Of(new VersionRead(key.Key, key.Current.VersionId));
            AddVerdict(findings, await KeyProof.JudgeAsync(key.Key, key.Listed, verified, currentSha,
                version => reads.StoredOrReadSha256Async(new VersionRead(key.Key, version.VersionId), cancellationToken)).ConfigureAwait(false), name, null);
        }

        var listed = new HashSet<string>(byKey.Select(k => k.Key), StringComparer.Ordinal);
        foreach (var folder in verified.Folders.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)))
        {
            foreach (var vanished in verified.Index.KeysIn(folder).Where(k => !listed.Contains(k)))
            {
                AddVerdict(findings, KeyProof.Vanished(vanished, verified.Index), name, null);
            }
        }

        return findings;
    }

    private async Task<OrderAuditTrail> JudgeByVersionsAsync(string prefix, string name, List<KeyVersions> byKey, ReadCache reads, string bucketName,
        CancellationToken cancellationToken)
    {
        await reads.LoadAsync(byKey.SelectMany(k => k.VersionsToRead()).Distinct().ToList(), cancellationToken).ConfigureAwait(false);
        var objects = new List<AuditedObject>();
        var findings = new List<CheckedFinding>();
        foreach (var key in byKey)
        {
            var (facts, finding) = key.Judge(reads.Texts, prefix, name, bucketName);
            if (facts is not null)
            {
                objects.Add(new AuditedObject(key.Key, facts));
            }

            if (finding is not null)
            {
                findings.Add(finding);
            }
        }

        return new OrderAuditTrail(prefix, objects, findings, byKey.Select(k => k.Key).ToList());
    }

    private static void AddVerdict(List<CheckedFinding> findings, KeyVerdict verdict, string orderId, string? timestamp)
    {
        if (verdict.Finding is { } found)
        {
            findings.Add(TrailFindings.ToChecked(found, orderId, timestamp));
        }
    }

    private static string Padded(string sequence) => AuditKey.IsValidSequenceNumber(sequence) ? sequence.TrimStart('0').PadLeft(40, '0') : new string('9', 40);

    /// <summary>The folder's name, for findings on an order none of whose objects can be read.</summary>
    internal static string OrderNameOf(string prefix) =>
        Uri.UnescapeDataString(prefix.Substring(AuditKey.OrdersPrefix.Length).TrimEnd('/'));

    /// <summary>The bytes read of one order's versions, with their texts and hashes; a version that cannot be read is kept as why.</summary>
    private sealed class ReadCache(IAuditVersionStore store, string bucketName, int maxParallelReads)
    {
        private readonly Dictionary<VersionRead, byte[]?> _bytes = new();
        private readonly Dictionary<VersionRead, string?> _texts = new();

        public IReadOnlyDictionary<VersionRead, string?> Texts => _texts;

        public async Task LoadAsync(IReadOnlyList<VersionRead> reads, CancellationToken cancellationToken)
        {
            var missing = reads.Where(r => !_bytes.ContainsKey(r)).ToList();
            var loaded = await BoundedConcurrency.MapAsync(missing, maxParallelReads, async read =>
            {
                try
                {
                    return (Bytes: await store.ReadBytesAsync(bucketName, read.Key, read.VersionId, MaxAuditObjectBytes, cancellationToken).ConfigureAwait(false), Problem: (string?)null);
                }
                catch (UnreadableObjectException unreadable)
                {
                    return (Bytes: (byte[]?)null, Problem: unreadable.Reason);
                }
            }, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < missing.Count; i++)
            {
                _bytes[missing[i]] = loaded[i].Bytes;
                _texts[missing[i]] = loaded[i].Bytes is { } bytes ? Decode(bytes) : loaded[i].Problem is { } problem ? UnreadableMarker + problem : null;
            }
        }

        public string? TextOf(VersionRead read) => _texts.TryGetValue(read, out var text) ? text : null;

        /// <summary>Why a version read could not be taken (too large, archived, refused); null when it was read or is gone.</summary>
        public string? ProblemOf(VersionRead read) =>
            _texts.TryGetValue(read, out var text) && text is not null && text.StartsWith(UnreadableMarker, StringComparison.Ordinal) ? text.Substring(UnreadableMarker.Length) : null;

        public string? Sha256Of(VersionRead read) => _bytes.TryGetValue(read, out var bytes) && bytes is not null ? Sha256Hex.Of(bytes) : null;

        /// <summary>S3's stored SHA-256 when the version has one (a HEAD), else the bytes read and hashed.</summary>
        public async Task<string?> StoredOrReadSha256Async(VersionRead read, CancellationToken cancellationToken)
        {
            if (Sha256Of(read) is { } known)
            {
                return known;
            }

            if (read.VersionId is { } versionId && await store.StoredSha256Async(bucketName, read.Key, versionId, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return stored;
            }

            await LoadAsync(new[] { read }, cancellationToken).ConfigureAwait(false);
            return Sha256Of(read);
        }

        // What StreamReader did before the reads became bytes: UTF-8, a byte-order mark dropped.
        private static string Decode(byte[] bytes) =>
            bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3) : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Marks a text that is the reason a version could not be read (never valid JSON, so never parsed as a document).</summary>
    internal const string UnreadableMarker = "\u0000unreadable: ";
}
