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

    /// <summary>
    /// Reads, checks and processes one event file as one invocation; throws <see cref="OrderMonitoringException"/>
    /// (EventFileUnreadable, NotAStreamEvent) before anything is processed when the file is no stream event.
    /// </summary>
    public static async Task<OrderProcessorResult> ProcessAsync(string path, IRecordProcessor processor, IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OrderMonitoringException("EventFileUnreadable", FailureKind.InvalidArgument, $"Cannot read '{path}': {ex.Message} Nothing was processed.",
                "Check the path and its permissions.", ex);
        }

        var records = Parse(path, json);
        var result = await processor.ProcessAsync(records, cancellationToken).ConfigureAwait(false);
        if (result.Failed > 0)
        {
            reporter.Warning($"{path}: {result.Failed} record(s) failed; run it again to retry them (audit writes are idempotent). See -Verbose for the cause.");
        }

        return OrderProcessorResult.OfBatch(path, result, result.Duration);
    }
}
