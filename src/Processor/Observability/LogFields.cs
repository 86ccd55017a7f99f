using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Processor.Observability;

/// <summary>The fields every log entry about a record starts with, so a line can be traced back to its stream record.</summary>
internal static class LogFields
{
    public static (string Name, object? Value)[] Of(StreamRecord record, params (string Name, object? Value)[] extra) =>
        [("eventId", record.EventId), ("sequenceNumber", record.Dynamodb?.SequenceNumber), .. extra];
}
