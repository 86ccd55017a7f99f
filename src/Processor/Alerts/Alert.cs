namespace OrderMonitoring.Processor.Alerts;

/// <summary>An alert ready to publish: a safe subject, the message body and the message attributes.</summary>
public sealed class Alert
{
    public Alert(string subject, string message, IReadOnlyDictionary<string, string> attributes)
    {
        Subject = subject;
        Message = message;
        Attributes = attributes;
    }

    /// <summary>Printable ASCII, no line breaks, at most <see cref="AlertPolicy.MaxSubjectLength"/> characters.</summary>
    public string Subject { get; }

    /// <summary>The audit (or quarantine) record JSON, below SNS's message size limit.</summary>
    public string Message { get; }

    /// <summary>orderId, status, eventType, environment, eventId (and malformed=true for quarantined records).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; }
}
