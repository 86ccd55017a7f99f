using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// The changes still in the table's stream (-IgnorePending): for each item, the sequence numbers of its stream
/// records. A record is pending while its audit key does not exist; a finding on an item with a pending record is
/// explained by it (the processor has not got there yet), so it is counted, not reported.
/// </summary>
internal sealed class PendingChanges
{
    private readonly Dictionary<string, List<string>> _sequencesByItem = new(StringComparer.Ordinal);

    public int Records { get; private set; }

    public void Add(string orderId, string timestamp, string sequenceNumber)
    {
        var item = ItemKey(orderId, timestamp);
        if (!_sequencesByItem.TryGetValue(item, out var sequences))
        {
            sequences = new List<string>();
            _sequencesByItem[item] = sequences;
        }

        sequences.Add(sequenceNumber);
        Records++;
    }

    /// <summary>True when the stream holds a record of the item that has no audit object yet.</summary>
    public bool IsPending(string orderId, string? timestamp, IReadOnlyCollection<string> auditKeys)
    {
        if (timestamp is null || !_sequencesByItem.TryGetValue(ItemKey(orderId, timestamp), out var sequences))
        {
            return false;
        }

        var keys = auditKeys as ISet<string> ?? new HashSet<string>(auditKeys, StringComparer.Ordinal);
        return sequences.Any(sequence => !keys.Contains(AuditKey.ForRecord(orderId, sequence)));
    }

    private static string ItemKey(string orderId, string timestamp) => orderId + "\n" + Timestamps.Canonical(timestamp);
}

/// <summary>Sort keys compared as the integers they are ("007" is 7).</summary>
internal static class Timestamps
{
    public static string Canonical(string timestamp)
    {
        var digits = timestamp.Trim().TrimStart('0');
        return digits.Length == 0 ? "0" : digits;
    }

    /// <summary>True when the timestamp (epoch milliseconds) is within the bounds; timestamps that are not epoch ms always are.</summary>
    public static bool Within(string? timestamp, DateTimeOffset? since, DateTimeOffset? until)
    {
        if (timestamp is null || !long.TryParse(timestamp, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var ms))
        {
            return true;
        }

        return (since is null || ms >= since.Value.ToUnixTimeMilliseconds()) && (until is null || ms <= until.Value.ToUnixTimeMilliseconds());
    }
}
