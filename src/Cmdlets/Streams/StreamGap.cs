using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// Records that left the stream before they were read: DynamoDB Streams keeps records 24 hours, so a checkpoint older
/// than that (or a shard that aged out with records unread) means changes that may have no audit object. The error
/// names the shard and the time span, and points at the check that finds the orders concerned.
/// </summary>
internal static class StreamGap
{
    /// <summary>What DynamoDB Streams answers for a position older than its trim horizon.</summary>
    public const string TrimmedErrorCode = "TrimmedDataAccessException";

    public const string ErrorId = "StreamRecordsLost";

    /// <summary>How long DynamoDB Streams keeps a record.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public static OrderMonitoringException Create(string streamArn, string shardId, ShardCheckpoint? checkpoint, DateTimeOffset now, bool accepted,
        Exception? cause)
    {
        // The oldest record still in the stream is about 24 hours old: everything between the checkpoint and it is gone.
        var until = now - Retention;
        var table = StreamEventProcessor.ActivityOf(streamArn).Replace("Processing the stream of ", "");
        var since = checkpoint?.LastArrival;
        var span = since is { } from
            ? $"changes made between {Format(from)} and about {Format(until)}"
            : $"changes made before about {Format(until)} (the checkpoint predates arrival times)";
        var after = checkpoint?.SequenceNumber is { } sequence ? $"after sequence number {sequence}" : "after the checkpoint";
        var message = $"Shard {shardId} of {table}: the records {after} left the stream before they were read (DynamoDB Streams keeps records {Retention.TotalHours:0} hours), so {span} may have no audit object."
            + (accepted ? " Continuing from the oldest record the stream still holds (-AcceptRecordLoss)." : " Nothing after the checkpoint was read.");
        var check = since is { } start
            ? $"Test-OrderAuditLog -Since '{Format(start)}' -Until '{Format(until.AddMinutes(5))}'"
            : $"Test-OrderAuditLog -Until '{Format(until.AddMinutes(5))}'";
        var action = $"Run {check} for the environment to find the orders whose changes have no audit object, and Repair-OrderAuditLog to record them."
            + (accepted ? "" : " Then run Invoke-OrderEventProcessor -FromStream -AcceptRecordLoss to continue from the oldest record the stream still holds.");
        return new OrderMonitoringException(ErrorId, FailureKind.InvalidState, message, action, cause);
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
