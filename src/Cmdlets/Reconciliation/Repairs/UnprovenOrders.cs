namespace OrderMonitoring.Cmdlets.Reconciliation.Repairs;

/// <summary>
/// The orders whose own history the check could not prove: a repair writes no history (a REMOVE, a reconciliation
/// record) for them, since it would be built on facts that may be forged or incomplete. An object no digest lists
/// (ForgedAudit) leaves its order unproven; a digest that is missing, invalid or unsigned leaves every order it covers
/// unproven, and when the finding names no order (a digest lists keys of many) every order is.
/// </summary>
internal sealed class UnprovenOrders
{
    private static readonly HashSet<AuditFindingKind> Unproving =
    [
        AuditFindingKind.ForgedAudit, AuditFindingKind.DigestMissing, AuditFindingKind.DigestInvalid, AuditFindingKind.DigestUnsigned,
    ];

    private readonly Dictionary<string, string> _byOrder = new(StringComparer.Ordinal);
    private readonly string? _everyOrder;

    public UnprovenOrders(IEnumerable<CheckedFinding> checkFindings)
    {
        foreach (var finding in checkFindings.Where(f => Unproving.Contains(f.Kind)))
        {
            var what = $"the same check reported {finding.Kind} {finding.Key ?? finding.DigestKey}".TrimEnd();
            if (string.IsNullOrEmpty(finding.OrderId))
            {
                _everyOrder ??= what + ", which names no order, so no order's history is proven";
            }
            else if (!_byOrder.ContainsKey(finding.OrderId))
            {
                _byOrder[finding.OrderId] = what + " for this order, so its history is not proven";
            }
        }
    }

    /// <summary>Why the history of <paramref name="orderId"/> is not proven; null when nothing says so.</summary>
    public string? WhyUnproven(string orderId) => _byOrder.TryGetValue(orderId, out var why) ? why : _everyOrder;
}
