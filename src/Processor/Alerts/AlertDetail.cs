namespace OrderMonitoring.Processor.Alerts;

/// <summary>
/// What an order alert carries (the template's AlertDetail parameter, the function's ALERT_DETAIL variable). Alerts go
/// to e-mail and other subscribers outside the audit bucket's access control, so by default they name the change and
/// point at the audit object instead of copying the order.
/// </summary>
public enum AlertDetail
{
    /// <summary>Order id, status, previous status, event type, event time and the audit object's key; no other order data.</summary>
    Summary,

    /// <summary>The whole audit (or quarantine) record, the order's old and new images included.</summary>
    Full,
}
