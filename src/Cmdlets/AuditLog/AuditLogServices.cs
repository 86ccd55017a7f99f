using OrderMonitoring.Cmdlets.Orders;

namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>
/// The audit-log side of the order cmdlets' composition root: the reader and the waiter over the order services'
/// S3 and DynamoDB clients (one set of clients per invocation, disposed by <see cref="OrderServices"/>).
/// </summary>
internal sealed class AuditLogServices
{
    private readonly OrderServices _orders;

    public AuditLogServices(OrderServices orders) => _orders = orders;

    public AuditWaiter Waiter() => new(Store());

    /// <summary>Writes order events and, when asked, waits for their audit objects.</summary>
    public OrderSender Sender() => new(_orders.Writer(), Waiter());

    public AuditLogReader Reader() => new(Store(), _orders.Table());

    private S3AuditObjectStore Store() => new(_orders.S3);
}
