using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>
/// Compares a stored batch's records with the stream's records for the same range, one by one and in order: event id,
/// sequence number, event name, keys and both images, by value (<see cref="TypedAttributeComparer"/>). Other members
/// (arrival time, size, region) are not compared: the stream's records are the ones replayed, so they cannot be forged
/// through the payload anyway.
/// </summary>
internal static class StreamPayloadComparer
{
    /// <summary>Null when the payload holds exactly the stream's records, else the first differing record and how it differs.</summary>
    public static string? FirstDifference(IReadOnlyList<StreamRecord> stored, IReadOnlyList<StreamRecord> stream)
    {
        for (var i = 0; i < Math.Max(stored.Count, stream.Count); i++)
        {
            if (i >= stored.Count)
            {
                return $"the stream holds record {Name(stream[i], i)}, which the payload lacks (the payload has {stored.Count} record(s), the stream {stream.Count} in that range)";
            }

            if (i >= stream.Count)
            {
                return $"its record {Name(stored[i], i)} is not in the stream (the payload has {stored.Count} record(s), the stream {stream.Count} in that range)";
            }

            if (RecordDifference(stored[i], stream[i]) is { } difference)
            {
                return $"its record {Name(stored[i], i)} differs from the stream's: {difference}";
            }
        }

        return null;
    }

    private static string? RecordDifference(StreamRecord stored, StreamRecord stream)
    {
        if (stored.Defect is { } defect)
        {
            return $"it cannot be read as a stream record ({defect.Reason})";
        }

        return Field("event id", stored.EventId, stream.EventId)
               ?? Field("sequence number", stored.Dynamodb?.SequenceNumber, stream.Dynamodb?.SequenceNumber)
               ?? Field("event name", stored.EventName, stream.EventName)
               ?? TypedAttributeComparer.Difference(stored.Dynamodb?.Keys, stream.Dynamodb?.Keys, "Keys")
               ?? TypedAttributeComparer.Difference(stored.Dynamodb?.NewImage, stream.Dynamodb?.NewImage, "NewImage")
               ?? TypedAttributeComparer.Difference(stored.Dynamodb?.OldImage, stream.Dynamodb?.OldImage, "OldImage");
    }

    private static string? Field(string name, string? stored, string? stream) =>
        string.Equals(stored, stream, StringComparison.Ordinal) ? null : $"its {name} is '{stored}' in the payload but '{stream}' in the stream";

    private static string Name(StreamRecord record, int index) =>
        $"{index + 1} (event id {record.EventId ?? "none"}, sequence number {record.Dynamodb?.SequenceNumber ?? "none"})";
}
