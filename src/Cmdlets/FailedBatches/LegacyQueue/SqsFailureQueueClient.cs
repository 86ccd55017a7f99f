using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace OrderMonitoring.Cmdlets.FailedBatches.LegacyQueue;

/// <summary>The failure queue through SQS ReceiveMessage, DeleteMessage and ChangeMessageVisibility.</summary>
internal sealed class SqsFailureQueueClient : IFailureQueueClient
{
    private const string SentTimestamp = "SentTimestamp";

    /// <summary>A short long-poll: it asks every SQS server, so an empty answer means an empty queue (short polling may miss messages).</summary>
    private const int WaitSeconds = 1;

    private readonly IAmazonSQS _sqs;

    public SqsFailureQueueClient(IAmazonSQS sqs, string queueUrl)
    {
        _sqs = sqs;
        QueueUrl = queueUrl;
    }

    public string QueueUrl { get; }

    public async Task<IReadOnlyList<QueuedFailure>> ReceiveAsync(TimeSpan hold, CancellationToken cancellationToken)
    {
        var response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = QueueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = WaitSeconds, VisibilityTimeout = (int)hold.TotalSeconds,
            MessageSystemAttributeNames = new List<string> { SentTimestamp },
        }, cancellationToken).ConfigureAwait(false);
        return (response.Messages ?? new List<Message>())
            .Select(message => new QueuedFailure(message.MessageId, message.Body ?? "", message.ReceiptHandle, SentAt(message)))
            .ToList();
    }

    public Task DeleteAsync(string receiptHandle, CancellationToken cancellationToken) =>
        _sqs.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = QueueUrl, ReceiptHandle = receiptHandle }, cancellationToken);

    public Task ReleaseAsync(string receiptHandle, CancellationToken cancellationToken) =>
        _sqs.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest { QueueUrl = QueueUrl, ReceiptHandle = receiptHandle, VisibilityTimeout = 0 },
            cancellationToken);

    private static DateTimeOffset? SentAt(Message message) =>
        message.Attributes is not null && message.Attributes.TryGetValue(SentTimestamp, out var text)
            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null;
}
