using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// What to compare: the time window on item timestamps, the stream's pending records to forgive, and when the table was
/// created (records older than the table describe an earlier one).
/// </summary>
internal sealed record CheckScope(DateTimeOffset? Since = null, DateTimeOffset? Until = null, PendingChanges? Pending = null, DateTimeOffset? TableCreated = null);

/// <summary>The outcome for one order.</summary>
internal sealed record OrderCheck(string OrderId, int Items, int AuditObjects, IReadOnlyList<CheckedFinding> Findings, int PendingIgnored)
{
    /// <summary>Objects of the order written before digests existed (verified checks only).</summary>
    public HistoryCount History { get; init; } = HistoryCount.None;
}

/// <summary>
/// The reconciliation rules for one order: its items in the table against the latest audited record of each item.
/// The latest record is the last one in key order (stream order; a reconciliation record sorts right after the stream
/// record it was written after). Objects that were deleted or overwritten count with the facts they first stated, so a
/// tampered object is one finding (TamperedAudit), not also a stale item.
/// </summary>
internal static class AuditComparison
{
    public static OrderCheck Compare(string? orderId, IReadOnlyList<TableItem> items, OrderAuditTrail trail, CheckScope scope)
    {
        var id = orderId ?? items.FirstOrDefault()?.OrderId ?? trail.Objects.FirstOrDefault()?.Facts.OrderId
            ?? trail.Findings.FirstOrDefault()?.OrderId ?? trail.Prefix;
        var latest = new Dictionary<string, AuditDocument>(StringComparer.Ordinal);
        foreach (var audited in trail.Objects)
        {
            latest[Timestamps.Canonical(audited.Facts.Timestamp!)] = audited.Facts;
        }

        var findings = new List<CheckedFinding>();
        var inWindow = items.Where(item => Timestamps.Within(item.Timestamp, scope.Since, scope.Until)).ToList();
        var inTable = new HashSet<string>(items.Select(item => Timestamps.Canonical(item.Timestamp)), StringComparer.Ordinal);
        foreach (var item in inWindow)
        {
            latest.TryGetValue(Timestamps.Canonical(item.Timestamp), out var record);
            if (ItemFinding(item, record) is { } problem && !ExplainedByLostRecord(trail, record))
            {
                findings.Add(new CheckedFinding(problem.Kind, id, item.Timestamp, null, problem.Detail) { Item = item, LatestRecord = record, AfterSequence = trail.LatestSequence });
            }
        }

        foreach (var pair in latest.Where(pair => !inTable.Contains(pair.Key) && pair.Value.EventType != "REMOVE"
            && Timestamps.Within(pair.Value.Timestamp, scope.Since, scope.Until)))
        {
            if (ExplainedByLostRecord(trail, pair.Value))
            {
                continue;
            }

            var recorded = BeforeTable(pair.Value, scope.TableCreated);
            findings.Add(new CheckedFinding(recorded is null ? AuditFindingKind.MissingRemove : AuditFindingKind.EarlierTable,
                id, pair.Value.Timestamp, null, recorded is null
                    ? $"the latest audit record is {pair.Value.EventType} (status {pair.Value.Status}) but the table has no such item and no REMOVE was audited"
                    : $"the latest audit record is {pair.Value.EventType} (status {pair.Value.Status}) of {recorded:u}, older than the current table (created {scope.TableCreated:u}): "
                      + "the item went with an earlier table that was deleted")
            {
                LatestRecord = pair.Value,
                AfterSequence = trail.LatestSequence,
            });
        }

        // Integrity findings are never windowed: the item's timestamp is the writer's word, not the trail's.
        findings.AddRange(trail.Findings.Where(f => AuditFindingKinds.Integrity.Contains(f.Kind) || Timestamps.Within(f.Timestamp, scope.Since, scope.Until)));
        var pending = scope.Pending;
        var reported = pending is null
            ? findings
            : findings.Where(f => !FindingKinds.Of(f.Kind).PendingExcuses || !pending.IsPending(id, f.Timestamp, trail.Keys)).ToList();
        return new OrderCheck(id, inWindow.Count, trail.Keys.Count, reported, findings.Count - reported.Count) { History = trail.History };
    }

    /// <summary>
    /// True when a digested record whose bytes are all gone (its DeletedAudit is reported) comes after
    /// <paramref name="record"/> in the order's stream: the lost record may be the item's later change, so the
    /// difference is that deletion's, not another finding.
    /// </summary>
    private static bool ExplainedByLostRecord(OrderAuditTrail trail, AuditDocument? record)
    {
        if (trail.LostSequences.Count == 0)
        {
            return false;
        }

        var after = record?.SequenceNumber is { } sequence && AuditKey.IsValidSequenceNumber(sequence) ? sequence.TrimStart('0').PadLeft(40, '0') : null;
        return after is null || trail.LostSequences.Any(lost => string.CompareOrdinal(lost, after) > 0);
    }

    /// <summary>
    /// When the record's change happened, if that was before the table was created (so it was a change in an earlier
    /// table of the same name); null otherwise. Stream times are whole seconds, so the creation time is too.
    /// </summary>
    private static DateTimeOffset? BeforeTable(AuditDocument record, DateTimeOffset? tableCreated)
    {
        var changed = record.ApproximateCreationTime ?? record.ProcessedAt;
        if (tableCreated is not { } created || changed is null)
        {
            return null;
        }

        var createdSecond = created.AddTicks(-(created.UtcTicks % TimeSpan.TicksPerSecond));
        return changed < createdSecond ? changed : null;
    }

    private static (AuditFindingKind Kind, string Detail)? ItemFinding(TableItem item, AuditDocument? record)
    {
        if (record is null)
        {
            return (AuditFindingKind.MissingAudit, "the item has no audit record at all");
        }

        if (record.EventType == "REMOVE")
        {
            return (AuditFindingKind.StaleAudit, "the latest audit record is a REMOVE, but the item exists (re-created without an audited INSERT)");
        }

        if (record.NewImageJson is null)
        {
            // Only a stream without images gives records like this; the status is then all that can be compared.
            var status = item.Status();
            return string.Equals(status, record.Status, StringComparison.Ordinal)
                ? null
                : (AuditFindingKind.StaleAudit, $"status is '{status}' in the table but '{record.Status}' in the latest audit record");
        }

        return ImageComparer.Difference(item.ItemJson, record.NewImageJson) is { } difference
            ? (AuditFindingKind.StaleAudit, difference)
            : null;
    }
}
