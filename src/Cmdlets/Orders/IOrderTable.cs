namespace OrderMonitoring.Cmdlets.Orders;

/// <summary>The order table operations the order cmdlets need; DynamoDB in production, fakes in tests.</summary>
internal interface IOrderTable
{
    /// <summary>Writes up to 25 events in one call; returns the events the service did not process (to retry).</summary>
    Task<IReadOnlyList<OrderEvent>> WriteBatchAsync(string tableName, IReadOnlyList<OrderEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Writes one event (PutItem); with <paramref name="onlyIfNew"/> only when its item does not exist, checked by the
    /// table in the same call (a condition on the key), so no concurrent writer can slip in between. False when the item existed.
    /// </summary>
    Task<bool> PutAsync(string tableName, OrderEvent orderEvent, bool onlyIfNew, CancellationToken cancellationToken);

    /// <summary>One page of the status-timestamp-index: the order ids with <paramref name="status"/> between the bounds (epoch ms, inclusive).</summary>
    Task<StatusQueryPage> QueryStatusAsync(string tableName, string status, long since, long until, object? continuation, CancellationToken cancellationToken);

    /// <summary>The status of the order's latest item (highest timestamp), or null when the order has no item.</summary>
    Task<string?> GetCurrentStatusAsync(string tableName, string orderId, CancellationToken cancellationToken);
}

/// <summary>A page of order ids from the status index; <see cref="Continuation"/> is null on the last page.</summary>
internal sealed record StatusQueryPage(IReadOnlyList<string> OrderIds, object? Continuation);
