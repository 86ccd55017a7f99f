namespace OrderMonitoring;

/// <summary>One order event to write to the order table: the item's key, status and extra attributes.</summary>
public sealed class OrderEvent
{
    /// <summary>The order id (the table's partition key).</summary>
    public string OrderId { get; init; } = "";

    /// <summary>Epoch milliseconds (the table's sort key), as the seed writes it.</summary>
    public long Timestamp { get; init; }

    /// <summary>Order status, e.g. PENDING or FAILED.</summary>
    public string Status { get; init; } = "";

    /// <summary>Order amount, when given.</summary>
    public decimal? Amount { get; init; }

    /// <summary>Customer id, when given.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Extra attributes (string, number, boolean or null values).</summary>
    public IReadOnlyDictionary<string, object?> Attributes { get; init; } = new Dictionary<string, object?>();

    /// <summary>The table key as one string, to detect two writes of the same item.</summary>
    internal string ItemKey => OrderId + "\u0000" + Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
