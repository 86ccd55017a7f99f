namespace OrderMonitoring;

/// <summary>What Send-TestOrderEvent wrote: one object per order event.</summary>
public sealed class OrderEventResult
{
    /// <summary>The order id.</summary>
    public string OrderId { get; init; } = "";

    /// <summary>Epoch milliseconds (the item's sort key).</summary>
    public long Timestamp { get; init; }

    /// <summary>The timestamp as a point in time (UTC).</summary>
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds(Timestamp);

    /// <summary>The status written.</summary>
    public string Status { get; init; } = "";

    /// <summary>The table written to.</summary>
    public string TableName { get; init; } = "";

    /// <summary>The environment, so the object pipes into Get-OrderAuditLog.</summary>
    public string Environment { get; init; } = "";

    /// <summary>With -Wait: the S3 key of the event's audit object; null without -Wait.</summary>
    public string? AuditKey { get; init; }

    /// <summary>With -Wait: the time from the write until the audit object was found.</summary>
    public TimeSpan? AuditLatency { get; init; }
}
