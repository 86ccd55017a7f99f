using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>One audit object whose facts are trusted: the first version when it was overwritten, the newest surviving one when deleted.</summary>
internal sealed record AuditedObject(string Key, AuditDocument Facts);

/// <summary>
/// One order's audit objects with their versions: which objects state which facts, and what happened to the objects
/// themselves (deleted, overwritten with other facts, not an audit document).
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

    /// <summary>The readable objects in key order (stream order).</summary>
    public IReadOnlyList<AuditedObject> Objects { get; }

    /// <summary>DeletedAudit, TamperedAudit and UnreadableAudit findings.</summary>
    public IReadOnlyList<CheckedFinding> Findings { get; }

    /// <summary>Every key under the prefix (deleted ones included).</summary>
    public IReadOnlyCollection<string> Keys { get; }

    /// <summary>The newest stream sequence number among the keys (40 digits), or null.</summary>
    public string? LatestSequence { get; }
}

/// <summary>Loads an <see cref="OrderAuditTrail"/>: one paged version listing of the order's prefix, then bounded parallel reads.</summary>
internal sealed class OrderAuditTrailReader(IAuditVersionStore store, int maxParallelReads)
{
    /// <param name="bucketName">The audit bucket.</param>
    /// <param name="prefix">The order's folder (<see cref="AuditKey.OrderPrefix"/>).</param>
    /// <param name="orderId">The order id when known (from the table or the caller), for findings on unreadable objects.</param>
    /// <param name="cancellationToken">Cancels the listing and the reads.</param>
    public async Task<OrderAuditTrail> ReadAsync(string bucketName, string prefix, string? orderId, CancellationToken cancellationToken)
    {
        var versions = await Paging.ReadAllAsync((VersionMarker? marker, CancellationToken cancel) => store.ListVersionsAsync(bucketName, prefix, marker, cancel), page => page.Next,
            page => page.Versions, cancellationToken).ConfigureAwait(false);
        var byKey = versions.GroupBy(v => v.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyVersions(g.Key, g.ToList())).ToList();
        var reads = byKey.SelectMany(k => k.VersionsToRead()).Distinct().ToList();
        var texts = await BoundedConcurrency.MapAsync(reads, maxParallelReads, read => store.ReadAsync(bucketName, read.Key, read.VersionId, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        var textOf = reads.Select((read, i) => (read, text: texts[i])).ToDictionary(x => x.read, x => x.text);

        var name = orderId ?? OrderNameOf(prefix);
        var objects = new List<AuditedObject>();
        var findings = new List<CheckedFinding>();
        foreach (var key in byKey)
        {
            var (facts, finding) = key.Judge(textOf, prefix, name, bucketName);
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

    /// <summary>The folder's name, for findings on an order none of whose objects can be read.</summary>
    private static string OrderNameOf(string prefix) =>
        Uri.UnescapeDataString(prefix.Substring(AuditKey.OrdersPrefix.Length).TrimEnd('/'));
}
