namespace OrderMonitoring.Cmdlets.Orders;

/// <summary>
/// How the module spells and compares order statuses. It writes them trimmed and in upper case (PENDING, FAILED), as the
/// seed and the processor's alert rule expect, and compares them trimmed and case-insensitively everywhere else.
/// </summary>
/// <remarks>
/// The status index is keyed by the stored text, so a lookup cannot be case-insensitive there: it asks for the
/// module's spelling and, when different, the one the user typed (a table written by other code may hold "Failed").
/// </remarks>
internal static class OrderStatus
{
    /// <summary>The stored spelling: trimmed, upper case (invariant).</summary>
    public static string Normalize(string status) => status.Trim().ToUpperInvariant();

    /// <summary>True when both are the same status, ignoring case and surrounding white space.</summary>
    public static bool Matches(string? stored, string wanted) =>
        stored is not null && string.Equals(stored.Trim(), wanted.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>The stored values to look up in the status index for <paramref name="status"/>: the module's spelling first.</summary>
    public static IReadOnlyList<string> IndexValues(string status)
    {
        var normalized = Normalize(status);
        var typed = status.Trim();
        return string.Equals(normalized, typed, StringComparison.Ordinal) ? new[] { normalized } : new[] { normalized, typed };
    }
}
