namespace OrderMonitoring;

/// <summary>The result of Test-OrderAuditLog (OrderMonitoring.AuditLogCheck): what was compared and what was found.</summary>
public sealed class AuditLogCheck
{
    /// <summary>
    /// True when every finding is history (<see cref="AuditFindingKinds.History"/>: a table deleted on purpose, objects
    /// from before digests existed), which is no gap in the trail.
    /// </summary>
    public bool Complete => Findings.All(finding => AuditFindingKinds.History.Contains(finding.Kind));

    /// <summary>The environment checked.</summary>
    public string Environment { get; init; } = "";

    /// <summary>The stack checked.</summary>
    public string StackName { get; init; } = "";

    /// <summary>The orders compared (in the table, in the audit trail or both).</summary>
    public int OrdersChecked { get; init; }

    /// <summary>The table items compared (within -Since/-Until when given).</summary>
    public int ItemsChecked { get; init; }

    /// <summary>The audit objects (keys) read and compared.</summary>
    public int AuditObjectsChecked { get; init; }

    /// <summary>With -IgnorePending: differences explained by stream records not processed yet (not findings).</summary>
    public int PendingIgnored { get; init; }

    /// <summary>When the current order table was created (UTC); audit records older than it describe an earlier table.</summary>
    public DateTime? TableCreated { get; init; }

    /// <summary>How many signed digests were verified; null when the trail was not verified (a stack without a digest key, or its public key unreadable).</summary>
    public int? DigestsVerified { get; init; }

    /// <summary>How many seals were read and checked with the digests (0 for a stack that does not seal); null when the trail was not verified.</summary>
    public int? SealsVerified { get; init; }

    /// <summary>How long the check took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Everything found wrong, by order.</summary>
    public AuditFinding[] Findings { get; init; } = Array.Empty<AuditFinding>();
}
