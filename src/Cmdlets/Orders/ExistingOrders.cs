using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Orders;

/// <summary>
/// Send-TestOrderEvent never overwrites an order item that exists (the same order id and timestamp) unless -Force asks
/// for it: a test event must never silently replace a real order. The writer's conditional writes refuse such events
/// (<see cref="OrderEventWriter.WriteAsync"/> with onlyNewItems); this names them. Events of one input that repeat a key
/// the command created are the user's own sequence and are written in order.
/// </summary>
internal static class ExistingOrders
{
    /// <summary>The ErrorId of events left unwritten because their item exists.</summary>
    public const string ExistsErrorId = "OrderExists";

    private const int NamedInMessage = 5;

    /// <summary>The error naming the events that were not written because their item exists.</summary>
    public static OrderMonitoringException Error(string tableName, IReadOnlyList<OrderEvent> existing)
    {
        var named = string.Join(", ", existing.Take(NamedInMessage).Select(e => $"'{e.OrderId}' (timestamp {e.Timestamp})"));
        var more = existing.Count > NamedInMessage ? $" and {existing.Count - NamedInMessage} more" : "";
        return new OrderMonitoringException(ExistsErrorId, FailureKind.InvalidOperation,
            $"{existing.Count} order event(s) were not written because their item already exists in {tableName}: order {named}{more}. Nothing was overwritten.",
            "Give a new -OrderId or -Timestamp, or add -Force to overwrite the existing item (its stream record is a MODIFY).");
    }
}
