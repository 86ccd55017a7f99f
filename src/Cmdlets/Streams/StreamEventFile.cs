using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Lambda;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// Reads a Lambda DynamoDB stream event file with the processor's own event reader and checks every record before
/// anything is processed. Files are made by hand too, so it also refuses what no real stream produces.
/// </summary>
internal static class StreamEventFile
{
    /// <summary>The records; throws <see cref="OrderMonitoringException"/> (NotAStreamEvent) for anything else.</summary>
    public static IReadOnlyList<StreamRecord> Parse(string path, string json)
    {
        IReadOnlyList<StreamRecord> records;
        try
        {
            records = StreamEvent.ParseRecords(json);
        }
        catch (InvalidDataException invalid)
        {
            throw NotAStreamEvent(path, invalid.Message, invalid);
        }

        // The Lambda quarantines a record it cannot read, because a live stream cannot be corrected; a file can, so a
        // record no stream would send is refused before anything is written.
        var defective = records.Select((record, index) => (record.Defect, Index: index)).FirstOrDefault(r => r.Defect is not null);
        if (defective.Defect is { } defect)
        {
            throw NotAStreamEvent(path, $"Record {defective.Index + 1} of {records.Count} is not a DynamoDB stream record: {defect.Reason}.", null);
        }

        // Two records with one sequence number would share one audit key, and the later would replace the earlier.
        var repeated = records
            .Select(record => record.Dynamodb?.SequenceNumber)
            .Where(sequence => !string.IsNullOrEmpty(sequence))
            .GroupBy(sequence => sequence, StringComparer.Ordinal)
            .FirstOrDefault(group => group.Count() > 1);
        if (repeated is not null)
        {
            throw NotAStreamEvent(path, $"The sequence number {repeated.Key} appears {repeated.Count()} times; every record of a stream has its own.", null);
        }

        return records;
    }

    private static OrderMonitoringException NotAStreamEvent(string path, string why, Exception? inner) =>
        new("NotAStreamEvent", FailureKind.InvalidArgument, $"'{path}' cannot be processed. {why} Nothing was processed.",
            "Pass a Lambda event for a DynamoDB stream: { \"Records\": [ { \"eventSource\": \"aws:dynamodb\", \"eventName\": \"INSERT\", \"dynamodb\": { ... } } ] }.",
            inner);
}
