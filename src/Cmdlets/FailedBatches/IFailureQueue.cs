using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>A range of stream records given up on, as Lambda's on-failure destination describes it.</summary>
internal sealed record FailedRange(string StreamArn, string ShardId, string StartSequenceNumber, string EndSequenceNumber, int BatchSize,
    int RetryAttempts, DateTimeOffset? FirstArrival, DateTimeOffset? LastArrival, IReadOnlyList<OrderMonitoring.Aws.Streams.StreamRecord>? Records = null);

/// <summary>Where failed ranges go: the stack's failed-batches bucket (whole records), or the failure queue of an older stack (the range only).</summary>
internal interface IFailureQueue
{
    /// <summary>Sends the failed range's description.</summary>
    Task SendAsync(FailedRange range, CancellationToken cancellationToken);
}

/// <summary>Sends failed ranges to SQS in the shape of Lambda's stream on-failure record (requestContext + DDBStreamBatchInfo).</summary>
internal sealed class SqsFailureQueue : IFailureQueue
{
    private readonly IAmazonSQS _sqs;
    private readonly string _queueUrl;

    public SqsFailureQueue(IAmazonSQS sqs, string queueUrl)
    {
        _sqs = sqs;
        _queueUrl = queueUrl;
    }

    public Task SendAsync(FailedRange range, CancellationToken cancellationToken) =>
        _sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = _queueUrl, MessageBody = ToJson(range, DateTimeOffset.UtcNow) }, cancellationToken);

    /// <summary>The message body.</summary>
    public static string ToJson(FailedRange range, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("requestContext");
            writer.WriteString("condition", "RetryAttemptsExhausted");
            writer.WriteNumber("approximateInvokeCount", range.RetryAttempts + 1);
            writer.WriteString("functionArn", "OrderMonitoring:Invoke-OrderEventProcessor");
            writer.WriteEndObject();
            writer.WriteStartObject("DDBStreamBatchInfo");
            writer.WriteString("shardId", range.ShardId);
            writer.WriteString("startSequenceNumber", range.StartSequenceNumber);
            writer.WriteString("endSequenceNumber", range.EndSequenceNumber);
            writer.WriteString("approximateArrivalOfFirstRecord", range.FirstArrival?.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("approximateArrivalOfLastRecord", range.LastArrival?.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteNumber("batchSize", range.BatchSize);
            writer.WriteString("streamArn", range.StreamArn);
            writer.WriteEndObject();
            writer.WriteString("timestamp", now.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("version", "1.0");
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
