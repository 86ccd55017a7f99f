using System.Globalization;

namespace OrderMonitoring.Cmdlets.Orders;

/// <summary>Makes realistic test orders for <c>Send-TestOrderEvent -Count</c>: unique ids, customers, amounts and a share of FAILED.</summary>
internal sealed class OrderGenerator
{
    private static readonly string[] OtherStatuses = { "PENDING", "PROCESSING", "SHIPPED", "DELIVERED", "CANCELLED" };
    private static readonly string[] Channels = { "web", "mobile", "store", "marketplace" };

    private readonly Random _random;

    public OrderGenerator(Random? random = null) => _random = random ?? new Random();

    /// <summary>A new order id: <c>ORD-&lt;yyyyMMdd&gt;-&lt;12 hex digits&gt;</c>.</summary>
    public static string NewOrderId(DateTimeOffset now) =>
        "ORD-" + now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 12).ToUpperInvariant();

    /// <summary>
    /// <paramref name="count"/> orders; exactly round(count * failedPercent / 100) of them FAILED, spread at random.
    /// Timestamps are <paramref name="start"/> in epoch milliseconds plus the index, so each is a distinct item.
    /// </summary>
    public IReadOnlyList<OrderEvent> Generate(int count, double failedPercent, DateTimeOffset start)
    {
        var failed = (int)Math.Round(count * failedPercent / 100.0, MidpointRounding.AwayFromZero);
        var failedIndexes = new HashSet<int>(Enumerable.Range(0, count).OrderBy(_ => _random.Next()).Take(failed));
        var startMs = start.ToUnixTimeMilliseconds();
        var orders = new List<OrderEvent>(count);
        for (var i = 0; i < count; i++)
        {
            orders.Add(new OrderEvent
            {
                OrderId = NewOrderId(start),
                Timestamp = startMs + i,
                Status = failedIndexes.Contains(i) ? "FAILED" : OtherStatuses[_random.Next(OtherStatuses.Length)],
                Amount = Math.Round((decimal)(5 + (_random.NextDouble() * 495)), 2),
                CustomerId = "CUST-" + _random.Next(10000, 99999).ToString(CultureInfo.InvariantCulture),
                Attributes = new Dictionary<string, object?>
                {
                    ["channel"] = Channels[_random.Next(Channels.Length)],
                    ["items"] = _random.Next(1, 6),
                },
            });
        }

        return orders;
    }
}
