using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>One version to read: null for the current version of an unversioned object.</summary>
internal sealed record VersionRead(string Key, string? VersionId);

/// <summary>
/// The versions of one audit key and the judgement on them: which facts to trust and
/// whether the object was deleted, overwritten with other facts, or is not an audit document.
/// </summary>
internal sealed class KeyVersions
{
    private static readonly HashSet<string> EventTypes = new(StringComparer.Ordinal) { "INSERT", "MODIFY", "REMOVE" };

    private readonly IReadOnlyList<ObjectVersion> _versions;
    private readonly ObjectVersion _current;
    private readonly IReadOnlyList<ObjectVersion> _surviving;

    public KeyVersions(string key, IReadOnlyList<ObjectVersion> listed)
    {
        Key = key;
        Listed = listed;
        _versions = VersionOrder.NewestFirst(listed);
        _current = VersionOrder.Current(listed, _versions);
        _surviving = _versions.Where(v => !v.IsDeleteMarker).ToList();
    }

    public string Key { get; }

    /// <summary>The versions as listed.</summary>
    public IReadOnlyList<ObjectVersion> Listed { get; }

    /// <summary>The current version (a delete marker when deleted).</summary>
    public ObjectVersion Current => _current;

    /// <summary>When the key was first written (its oldest version), when the store says.</summary>
    public DateTime? FirstWritten => _versions.Select(v => v.LastModified).Where(t => t is not null).Min();

    /// <summary>The current version, or for a deleted object the newest surviving one; plus the first when there are several.</summary>
    public IEnumerable<VersionRead> VersionsToRead()
    {
        if (_current.IsDeleteMarker)
        {
            return _surviving.Take(1).Select(v => new VersionRead(Key, v.VersionId));
        }

        var current = new VersionRead(Key, _current.VersionId);
        return _surviving.Count > 1 ? new[] { current, new VersionRead(Key, _surviving[_surviving.Count - 1].VersionId) } : new[] { current };
    }

    /// <summary>The facts to trust (null when none can be read) and the finding on the object itself, if any.</summary>
    public (AuditDocument? Facts, CheckedFinding? Finding) Judge(IReadOnlyDictionary<VersionRead, string?> textOf, string prefix, string orderName, string bucketName)
    {
        var reads = VersionsToRead().ToList();
        if (_current.IsDeleteMarker)
        {
            return Deleted(reads, textOf, prefix, orderName, bucketName);
        }

        var (current, currentProblem) = Parse(textOf[reads[0]], prefix, bucketName);
        if (reads.Count == 1)
        {
            return current is not null
                ? (current, null)
                : (null, new CheckedFinding(AuditFindingKind.UnreadableAudit, orderName, null, Key, currentProblem!));
        }

        var first = _surviving[_surviving.Count - 1];
        var (original, _) = Parse(textOf[reads[1]], prefix, bucketName);
        if (current is not null && original is not null && current.HasSameFactsAs(original))
        {
            return (current, null);
        }

        var facts = original ?? current;
        var detail = current is null
            ? $"the current version is not an audit document ({currentProblem}); the first version ({first.VersionId}) is"
            : original is null
                ? $"the first version ({first.VersionId}) is not an audit document, the current one is"
                : $"the current version states other facts than the first version ({first.VersionId}): {FirstDifference(original, current)}";
        return (facts, new CheckedFinding(AuditFindingKind.TamperedAudit, facts?.OrderId ?? orderName, facts?.Timestamp, Key, detail)
        {
            FirstVersionId = first.VersionId,
        });
    }

    private (AuditDocument?, CheckedFinding?) Deleted(List<VersionRead> reads, IReadOnlyDictionary<VersionRead, string?> textOf, string prefix, string orderName,
        string bucketName)
    {
        if (reads.Count == 0)
        {
            return (null, new CheckedFinding(AuditFindingKind.DeletedAudit, orderName, null, Key,
                "the current version is a delete marker and no earlier version survives (nothing to restore)"));
        }

        var (facts, _) = Parse(textOf[reads[0]], prefix, bucketName);
        // The markers above the newest surviving version; removing them all makes that version current again.
        var newest = _surviving[0].LastModified;
        var markers = _versions.Where(v => v.IsDeleteMarker && (newest is null || v.LastModified is null || v.LastModified >= newest)).Select(v => v.VersionId).ToList();
        return (facts, new CheckedFinding(AuditFindingKind.DeletedAudit, facts?.OrderId ?? orderName, facts?.Timestamp, Key,
            $"the current version is a delete marker; version {reads[0].VersionId} survives")
        {
            DeleteMarkers = markers,
        });
    }

    /// <summary>The document when it is a valid audit record of this folder's order, else why not.</summary>
    internal static (AuditDocument? Document, string? Problem) Parse(string? text, string prefix, string bucketName)
    {
        if (text is null)
        {
            return (null, "the version could not be read (gone)");
        }

        if (text.StartsWith(OrderAuditTrailReader.UnreadableMarker, StringComparison.Ordinal))
        {
            return (null, "the version could not be read: " + text.Substring(OrderAuditTrailReader.UnreadableMarker.Length));
        }

        AuditDocument document;
        try
        {
            document = AuditDocument.Parse(text, AuditDocumentKind.Audit, $"s3://{bucketName}/{prefix}");
        }
        catch (InvalidDataException invalid)
        {
            return (null, invalid.Message);
        }

        if (string.IsNullOrEmpty(document.OrderId) || string.IsNullOrEmpty(document.Timestamp) || document.EventType is null || !EventTypes.Contains(document.EventType))
        {
            return (null, "it lacks an orderId, a timestamp or an eventType of INSERT, MODIFY or REMOVE");
        }

        return string.Equals(SafePrefix(document.OrderId!), prefix, StringComparison.Ordinal)
            ? (document, null)
            : (null, $"it states order '{document.OrderId}', which does not belong in {prefix}");
    }

    private static string? SafePrefix(string orderId)
    {
        try
        {
            return AuditKey.OrderPrefix(orderId);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string FirstDifference(AuditDocument first, AuditDocument current)
    {
        var pairs = new (string Field, string? First, string? Current)[]
        {
            ("status", first.Status, current.Status), ("previousStatus", first.PreviousStatus, current.PreviousStatus),
            ("eventType", first.EventType, current.EventType), ("timestamp", first.Timestamp, current.Timestamp),
            ("newImage", first.NewImageJson, current.NewImageJson), ("oldImage", first.OldImageJson, current.OldImageJson),
        };
        var differing = pairs.FirstOrDefault(p => !string.Equals(p.First, p.Current, StringComparison.Ordinal));
        return differing.Field is null ? "a field other than status, event type, timestamp or images" : $"{differing.Field} was '{differing.First}', is '{differing.Current}'";
    }
}
