using System.Text;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Alerts;

/// <summary>
/// The one place that decides whether a change raises an alert, and what the alert says.
/// A new status of FAILED (trimmed, any case) alerts unless the order was already FAILED; REMOVE never alerts.
/// </summary>
public static class AlertPolicy
{
    /// <summary>SNS rejects longer subjects; 99 also satisfies readers of the limit as "less than 100".</summary>
    public const int MaxSubjectLength = 99;

    /// <summary>SNS allows 256 KiB for message plus attributes; this leaves room for the attributes.</summary>
    public const int MaxMessageBytes = 240 * 1024;

    /// <summary>DynamoDB's own key limit, so a real order id is never cut; five such values fit beside the message.</summary>
    public const int MaxAttributeValueBytes = 2048;

    private const string FailedStatus = "FAILED";

    /// <summary>True when a change should raise an alert.</summary>
    /// <param name="eventType">INSERT, MODIFY or REMOVE.</param>
    /// <param name="newStatus">The status in the new image (null when unknown).</param>
    /// <param name="previousStatus">The status in the old image (null when there is none).</param>
    public static bool ShouldAlert(string? eventType, string? newStatus, string? previousStatus) =>
        !string.Equals(eventType, "REMOVE", StringComparison.Ordinal)
        && IsFailed(newStatus)
        && (string.Equals(eventType, "INSERT", StringComparison.Ordinal) || !IsFailed(previousStatus));

    /// <summary>
    /// The alert an audited change raises, or null when it raises none; <paramref name="json"/> is the record's document
    /// when already written (a full alert reuses it).
    /// </summary>
    public static Alert? AlertFor(AuditRecord record, AlertDetail detail, string? json = null) =>
        ShouldAlert(record.EventType, record.Status, record.PreviousStatus) ? For(record, detail, json) : null;

    /// <summary>
    /// The alert a quarantined record raises, or null: its images are read leniently, so a change that still says
    /// FAILED alerts even when the record cannot be audited.
    /// </summary>
    internal static Alert? AlertFor(QuarantineRecord quarantine, StreamRecord record, AlertDetail detail, string? json = null)
    {
        var data = record.Dynamodb;
        var newStatus = StreamRecordReader.Image(data?.NewImage) is { } newImage ? StreamRecordReader.ReadStatusLeniently(newImage) : null;
        var oldStatus = StreamRecordReader.Image(data?.OldImage) is { } oldImage ? StreamRecordReader.ReadStatusLeniently(oldImage) : null;
        return ShouldAlert(record.EventName, newStatus, oldStatus) ? ForMalformed(quarantine, newStatus!, oldStatus, detail, json) : null;
    }

    /// <summary>FAILED compared trimmed and case-insensitively.</summary>
    public static bool IsFailed(string? status) =>
        status is not null && string.Equals(status.Trim(), FailedStatus, StringComparison.OrdinalIgnoreCase);

    /// <summary>The alert for an audited change.</summary>
    public static Alert For(AuditRecord record, AlertDetail detail, string? json = null)
    {
        var message = detail == AlertDetail.Summary
            ? Summary(record.OrderId, record.Status, record.PreviousStatus, record.EventType, record.ApproximateCreationTime, record.Key)
            : FullMessage(record, json);
        return new Alert(
            SafeSubject("Order Failed: " + record.OrderId),
            message,
            Attributes(record.OrderId, record.Status, record.EventType, record.Environment, record.EventId));
    }

    private static string FullMessage(AuditRecord record, string? json)
    {
        var message = json ?? record.ToJson();
        if (JsonOutput.Utf8.GetByteCount(message) > MaxMessageBytes)
        {
            message = record.ToJsonWithoutImages($"newImage and oldImage were dropped (and long statuses cut) to fit SNS's message size limit; the full record is in S3 at {record.Key}");
        }

        return message;
    }

    /// <summary>The alert for a quarantined record that still says FAILED: a failed order never passes silently.</summary>
    public static Alert ForMalformed(QuarantineRecord record, string status, string? previousStatus, AlertDetail detail, string? json = null)
    {
        string message;
        if (detail == AlertDetail.Summary)
        {
            // The quarantine reason is left out: it may quote the unreadable values themselves.
            var time = StreamRecordReader.ReadCreationTime(record.Record.Dynamodb?.ApproximateCreationDateTime);
            message = Summary(record.OrderId, status, previousStatus, record.Record.EventName, time, record.Key);
        }
        else
        {
            message = json ?? record.ToJson();
            if (JsonOutput.Utf8.GetByteCount(message) > MaxMessageBytes)
            {
                message = record.ToJsonWithoutRecord();
            }
        }

        var attributes = Attributes(record.OrderId, status, record.Record.EventName, record.Environment, record.Record.EventId);
        attributes["malformed"] = "true";
        return new Alert(SafeSubject("Order Failed (malformed record): " + (record.OrderId ?? "unknown order")), message, attributes);
    }

    /// <summary>
    /// The <see cref="AlertDetail.Summary"/> message: what changed and where its audit object is, and nothing else of the
    /// order. Statuses are cut like the size-limited full record's, so the message is always small.
    /// </summary>
    private static string Summary(string? orderId, string? status, string? previousStatus, string? eventType, DateTimeOffset? eventTime, string auditKey) =>
        JsonOutput.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString(SummaryFields.OrderId, orderId);
            writer.WriteString(SummaryFields.Status, status is null ? null : Utf8Text.Truncate(status, AuditRecord.MaxStatusBytesWithoutImages));
            writer.WriteString(SummaryFields.PreviousStatus, previousStatus is null ? null : Utf8Text.Truncate(previousStatus, AuditRecord.MaxStatusBytesWithoutImages));
            writer.WriteString(SummaryFields.EventType, eventType);
            if (eventTime is { } time)
            {
                writer.WriteString(SummaryFields.EventTime, AuditDocument.Iso(time));
            }
            else
            {
                writer.WriteNull(SummaryFields.EventTime);
            }

            writer.WriteString(SummaryFields.AuditKey, auditKey);
            writer.WriteEndObject();
        });

    /// <summary>The field names of a summary alert's message, in the order they are written.</summary>
    public static class SummaryFields
    {
        public const string OrderId = "orderId";
        public const string Status = "status";
        public const string PreviousStatus = "previousStatus";
        public const string EventType = "eventType";

        /// <summary>When the change happened (the stream record's approximate creation time, UTC).</summary>
        public const string EventTime = "eventTime";

        /// <summary>The S3 key of the audit (or quarantine) object holding the whole record.</summary>
        public const string AuditKey = "auditKey";

        public static IReadOnlyList<string> All { get; } = new[] { OrderId, Status, PreviousStatus, EventType, EventTime, AuditKey };
    }

    /// <summary>Printable ASCII only (others become '?'), no line breaks, cut to the length limit.</summary>
    public static string SafeSubject(string subject)
    {
        var safe = new StringBuilder(Math.Min(subject.Length, MaxSubjectLength));
        for (var i = 0; i < subject.Length && safe.Length < MaxSubjectLength; i++)
        {
            var c = subject[i];
            if (char.IsHighSurrogate(c) && i + 1 < subject.Length && char.IsLowSurrogate(subject[i + 1]))
            {
                // A surrogate pair is one character to a reader: one '?' for it.
                i++;
            }

            safe.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return safe.ToString().TrimEnd();
    }

    private static Dictionary<string, string> Attributes(string? orderId, string? status, string? eventType, string environment, string? eventId)
    {
        // SNS rejects empty attribute values and characters XML cannot carry, so skip the empty and clean the rest;
        // values are cut to MaxAttributeValueBytes because they count against the same 256 KiB as the message.
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(attributes, "orderId", orderId);
        Add(attributes, "status", status);
        Add(attributes, "eventType", eventType);
        Add(attributes, "environment", environment);
        Add(attributes, "eventId", eventId);
        return attributes;
    }

    private static void Add(Dictionary<string, string> attributes, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var clean = new StringBuilder(value!.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                clean.Append(c).Append(value[++i]);
            }
            else
            {
                clean.Append(IsXmlChar(c) ? c : '\uFFFD');
            }
        }

        attributes[name] = Utf8Text.Truncate(clean.ToString(), MaxAttributeValueBytes);
    }

    private static bool IsXmlChar(char c) =>
        c is '\t' or '\n' or '\r' || (c >= ' ' && c <= '\uD7FF') || (c >= '\uE000' && c <= '\uFFFD');
}
