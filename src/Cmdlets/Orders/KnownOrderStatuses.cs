namespace OrderMonitoring.Cmdlets.Orders;

/// <summary>
/// The statuses the module knows: the order life cycle the processor and the alarms act on (FAILED raises an alert),
/// plus any the user declares in <see cref="DeclaredVariable"/>. Any other status is still written and searched (custom
/// statuses are allowed), but a warning says so: a typo such as FIALED would otherwise pass silently and never alert.
/// </summary>
internal static class KnownOrderStatuses
{
    /// <summary>Environment variable with the user's own statuses, comma-separated (e.g. <c>ON_HOLD,RETURNED</c>).</summary>
    public const string DeclaredVariable = "ORDERMONITORING_STATUSES";

    /// <summary>The life cycle the module itself knows, in order.</summary>
    public static readonly IReadOnlyList<string> LifeCycle = new[] { "PENDING", "PROCESSING", "SHIPPED", "DELIVERED", "CANCELLED", "FAILED" };

    /// <summary>The life cycle, then the declared statuses (stored spelling), each once.</summary>
    public static IReadOnlyList<string> All() =>
        LifeCycle.Concat((Environment.GetEnvironmentVariable(DeclaredVariable) ?? "")
                .Split(',')
                .Where(status => !string.IsNullOrWhiteSpace(status))
                .Select(OrderStatus.Normalize))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>True when <paramref name="status"/> is known (trimmed, any case).</summary>
    public static bool IsKnown(string status) => All().Any(known => OrderStatus.Matches(known, status));

    /// <summary>The warning for a status outside the known set, or null when it is known.</summary>
    /// <param name="status">The status as typed.</param>
    /// <param name="consequence">What happens with it anyway, e.g. "It is written as given".</param>
    public static string? WarningFor(string status, string consequence) => IsKnown(status)
        ? null
        : $"'{status.Trim()}' is not an order status the module knows ({string.Join(", ", All())}); the processor alerts only on FAILED. "
          + $"{consequence}. If it is a status of your own, add it to {DeclaredVariable} (comma-separated) and this warning goes away.";
}
