using Amazon.DynamoDBv2.Model;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Tests.Reconciliation;

/// <summary>
/// A versioned audit bucket in memory: byte-order keys, versions newest first, delete markers, paging; each write one
/// second after the one before (S3's LastModified), and a SHA-256 checksum kept with what was written with one.
/// </summary>
internal sealed class FakeVersionStore : IAuditVersionStore
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, List<(string VersionId, string? Text)>> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _written = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _checksums = new(StringComparer.Ordinal);
    private int _nextVersion;

    /// <summary>When the next write happens (advanced one second per write).</summary>
    public DateTime Now { get; set; } = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>True: writes keep a SHA-256 checksum (as the processor's PutObject does), read back by <see cref="StoredSha256Async"/>.</summary>
    public bool KeepsChecksums { get; set; }

    /// <summary>HEAD requests for stored checksums.</summary>
    public int ChecksumReads { get; private set; }

    /// <summary>Removes every version of a key (DeleteObjectVersion on each, behind the module's back).</summary>
    public void Erase(string key)
    {
        lock (_gate)
        {
            _objects.Remove(key);
        }
    }

    /// <summary>The version ids of a key, oldest first.</summary>
    public IReadOnlyList<string> VersionIds(string key)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(key, out var versions) ? versions.Select(v => v.VersionId).ToList() : new List<string>();
        }
    }

    private string NextVersionId()
    {
        var id = "v" + (++_nextVersion).ToString("D6", CultureInfo.InvariantCulture);
        _written[id] = Now;
        Now = Now.AddSeconds(1);
        return id;
    }

    public int PageSize { get; set; } = 1000;

    public int Writes { get; private set; }

    public int Reads { get; private set; }

    /// <summary>A new version (a write, a retry or an overwrite behind the module's back).</summary>
    public string Put(string key, string text)
    {
        lock (_gate)
        {
            var id = NextVersionId();
            if (KeepsChecksums)
            {
                _checksums[id] = OrderMonitoring.Aws.Sha256Hex.Of(System.Text.Encoding.UTF8.GetBytes(text));
            }

            if (!_objects.TryGetValue(key, out var versions))
            {
                versions = new List<(string, string?)>();
                _objects[key] = versions;
            }

            versions.Add((id, text));
            return id;
        }
    }

    /// <summary>A write before versioning was enabled: S3 lists it with the version id "null".</summary>
    public void PutUnversioned(string key, string text)
    {
        lock (_gate)
        {
            _written["null"] = Now;
            Now = Now.AddSeconds(1);
            _objects[key] = new List<(string, string?)> { ("null", text) };
        }
    }

    /// <summary>
    /// A write while versioning is suspended: S3 gives it the version id "null", replacing the key's earlier "null"
    /// version (if any) and keeping the versions with ids.
    /// </summary>
    public void PutWhileSuspended(string key, string text)
    {
        lock (_gate)
        {
            _written["null"] = Now;
            Now = Now.AddSeconds(1);
            if (!_objects.TryGetValue(key, out var versions))
            {
                versions = new List<(string, string?)>();
                _objects[key] = versions;
            }

            versions.RemoveAll(v => v.VersionId == "null");
            versions.Add(("null", text));
        }
    }

    /// <summary>A delete on a versioned bucket: a delete marker becomes the current version.</summary>
    public void Delete(string key)
    {
        lock (_gate)
        {
            _objects[key].Add((NextVersionId(), null));
        }
    }

    public string? Current(string key)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(key, out var versions) ? versions[versions.Count - 1].Text : null;
        }
    }

    public IReadOnlyList<string> Keys(string prefix)
    {
        lock (_gate)
        {
            return _objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        }
    }

    /// <summary>The prefix of every version listing's first page, in order.</summary>
    public List<string> ListedPrefixes { get; } = new();

    /// <summary>Called with the prefix when a version listing has handed out its last page (to write behind a listing's back).</summary>
    public Action<string>? Listed { get; set; }

    public Task<AuditVersionPage> ListVersionsAsync(string bucketName, string prefix, VersionMarker? marker, CancellationToken cancellationToken)
    {
        AuditVersionPage answer;
        lock (_gate)
        {
            if (marker is null)
            {
                ListedPrefixes.Add(prefix);
            }

            var all = _objects.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal))
                .SelectMany(o => o.Value.Select((v, i) => new ObjectVersion(o.Key, v.VersionId, i == o.Value.Count - 1, v.Text is null, _written[v.VersionId])).Reverse()).ToList();
            // The fake's marker is the index of the next version (S3's is the last key and version id listed).
            var start = marker?.KeyMarker is { } index ? int.Parse(index, CultureInfo.InvariantCulture) : 0;
            var page = all.Skip(start).Take(PageSize).ToList();
            var next = start + page.Count < all.Count ? new VersionMarker((start + page.Count).ToString(CultureInfo.InvariantCulture), null) : null;
            answer = new AuditVersionPage(page, next);
        }

        if (answer.Next is null)
        {
            Listed?.Invoke(prefix);
        }

        return Task.FromResult(answer);
    }

    public Task<FolderPage> ListFoldersAsync(string bucketName, string prefix, string? continuationToken, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var entries = _objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && _objects[k][_objects[k].Count - 1].Text is not null)
                .Select(k => k.IndexOf('/', prefix.Length) is var slash and >= 0 ? k.Substring(0, slash + 1) : k).Distinct().ToList();
            var start = continuationToken is null ? 0 : int.Parse(continuationToken, CultureInfo.InvariantCulture);
            var page = entries.Skip(start).Take(PageSize).ToList();
            var next = start + page.Count < entries.Count ? (start + page.Count).ToString(CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new FolderPage(page.Where(e => e.EndsWith("/", StringComparison.Ordinal)).ToList(),
                page.Where(e => !e.EndsWith("/", StringComparison.Ordinal)).ToList(), next));
        }
    }

    public Task<string?> ReadAsync(string bucketName, string key, string? versionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Reads++;
            if (!_objects.TryGetValue(key, out var versions))
            {
                return Task.FromResult<string?>(null);
            }

            var text = versionId is null ? versions[versions.Count - 1].Text : versions.SingleOrDefault(v => v.VersionId == versionId).Text;
            return Task.FromResult(text);
        }
    }

    public async Task<byte[]?> ReadBytesAsync(string bucketName, string key, string? versionId, long maxBytes, CancellationToken cancellationToken)
    {
        var text = await ReadAsync(bucketName, key, versionId, cancellationToken);
        var bytes = text is null ? null : System.Text.Encoding.UTF8.GetBytes(text);
        return bytes is not null && bytes.Length > maxBytes ? throw UnreadableObjectException.TooLarge(key, bytes.Length, maxBytes) : bytes;
    }

    /// <summary>The digest key each version names in its metadata (what the processor writes).</summary>
    public Dictionary<string, string> DigestKeys { get; } = new(StringComparer.Ordinal);

    public Task<string?> DigestKeyOfAsync(string bucketName, string key, string versionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(DigestKeys.TryGetValue(versionId, out var digestKey) ? digestKey : null);
        }
    }

    public Task<string?> StoredSha256Async(string bucketName, string key, string versionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ChecksumReads++;
            return Task.FromResult(_checksums.TryGetValue(versionId, out var sha) ? sha : null);
        }
    }

    public Task<string?> PutAsync(string bucketName, string key, string json, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Writes++;
        }

        return Task.FromResult<string?>(Put(key, json));
    }

    public Task<byte[]?> ReadBytesAsync(string bucketName, string key, string versionId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Reads++;
            var text = _objects.TryGetValue(key, out var versions) ? versions.SingleOrDefault(v => v.VersionId == versionId).Text : null;
            return Task.FromResult(text is null ? null : System.Text.Encoding.UTF8.GetBytes(text));
        }
    }

    /// <summary>Every version of <paramref name="key"/>, oldest first (null text: a delete marker).</summary>
    public IReadOnlyList<(string VersionId, string? Text)> History(string key)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(key, out var versions) ? versions.ToList() : new List<(string, string?)>();
        }
    }

    /// <summary>Every version of <paramref name="key"/> gone (DeleteObjectVersion on each), as an admin could behind the module's back.</summary>
    public void Purge(string key)
    {
        lock (_gate)
        {
            _objects.Remove(key);
        }
    }

    public Task<string?> RestoreVersionAsync(string bucketName, string key, string versionId, CancellationToken cancellationToken)
    {
        string text;
        lock (_gate)
        {
            Writes++;
            text = _objects[key].Single(v => v.VersionId == versionId).Text!;
        }

        return Task.FromResult<string?>(Put(key, text));
    }
}

/// <summary>An order table in memory: Scan segments by a hash of the order id (items of an order stay together), paged.</summary>
internal sealed class FakeItemSource : IOrderItemSource
{
    public List<TableItem> Items { get; } = new();

    public int PageSize { get; set; } = 100;

    public Task<ItemPage> ScanAsync(string tableName, int segment, int totalSegments, ScanPosition? from, CancellationToken cancellationToken)
    {
        var inSegment = Items.Where(i => SegmentOf(i.OrderId, totalSegments) == segment).ToList();
        // The fake's position is the index of the next item (DynamoDB's is the last key it evaluated).
        var start = from is null ? 0 : int.Parse(from.LastKey["next"].N, CultureInfo.InvariantCulture);
        var page = inSegment.Skip(start).Take(PageSize).ToList();
        var next = start + page.Count < inSegment.Count
            ? new ScanPosition(new Dictionary<string, AttributeValue> { ["next"] = new() { N = (start + page.Count).ToString(CultureInfo.InvariantCulture) } })
            : null;
        return Task.FromResult(new ItemPage(page, next));
    }

    public Task<IReadOnlyList<TableItem>> ReadOrderAsync(string tableName, string orderId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TableItem>>(Items.Where(i => i.OrderId == orderId).ToList());

    /// <summary>When the table was created; null: not known.</summary>
    public DateTimeOffset? Created { get; set; }

    public Task<DateTimeOffset?> TableCreatedAsync(string tableName, CancellationToken cancellationToken) => Task.FromResult(Created);

    private static int SegmentOf(string orderId, int total) => orderId.Sum(c => c) % total;
}

/// <summary>Items and the processor's audit documents of them, as the stack writes them.</summary>
internal static class Orders
{
    public static readonly DateTimeOffset Processed = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An item as typed DynamoDB JSON, with extra typed attributes.</summary>
    public static TableItem Item(string orderId, string timestamp, string status, JsonObject? extra = null)
    {
        var item = new JsonObject
        {
            ["orderId"] = new JsonObject { ["S"] = orderId },
            ["timestamp"] = new JsonObject { ["N"] = timestamp },
            ["status"] = new JsonObject { ["S"] = status },
        };
        foreach (var attribute in extra ?? new JsonObject())
        {
            item[attribute.Key] = attribute.Value?.DeepClone();
        }

        return new TableItem(orderId, timestamp, item.ToJsonString());
    }

    /// <summary>The processor's audit object for a stream record of <paramref name="item"/>.</summary>
    public static (string Key, string Json) Audit(TableItem item, string eventType, string sequence, TableItem? old = null, DateTimeOffset? processedAt = null)
    {
        var record = new AuditRecord
        {
            OrderId = item.OrderId,
            Timestamp = item.Timestamp,
            Status = eventType == "REMOVE" ? (item.Status() ?? "UNKNOWN") : item.Status() ?? "UNKNOWN",
            PreviousStatus = old?.Status() ?? (eventType == "REMOVE" ? item.Status() : null),
            EventType = eventType,
            EventId = "evt-" + sequence,
            SequenceNumber = sequence,
            ProcessedAt = processedAt ?? Processed,
            Environment = "dev",
            DeletedBy = eventType == "REMOVE" ? "user" : null,
            NewImageJson = eventType == "REMOVE" ? null : item.PlainJson(),
            OldImageJson = eventType == "REMOVE" ? item.PlainJson() : old?.PlainJson(),
        };
        return (AuditKey.ForRecord(item.OrderId, sequence), record.ToJson());
    }

    /// <summary>Writes the processor's audit object of the record into the store.</summary>
    public static string Audited(this FakeVersionStore store, TableItem item, string eventType, string sequence, TableItem? old = null)
    {
        var (key, json) = Audit(item, eventType, sequence, old);
        store.Put(key, json);
        return key;
    }
}
