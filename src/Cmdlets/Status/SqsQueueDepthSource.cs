using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace OrderMonitoring.Cmdlets.Status;

/// <summary>Queue depth from SQS GetQueueAttributes.</summary>
internal sealed class SqsQueueDepthSource : IQueueDepthSource
{
    private const string Visible = "ApproximateNumberOfMessages";
    private const string InFlight = "ApproximateNumberOfMessagesNotVisible";

    private readonly IAmazonSQS _sqs;

    public SqsQueueDepthSource(IAmazonSQS sqs) => _sqs = sqs;

    public async Task<QueueDepth> GetAsync(string queueUrl, CancellationToken cancellationToken)
    {
        var response = await _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = new List<string> { Visible, InFlight } },
            cancellationToken).ConfigureAwait(false);
        return new QueueDepth(Count(response.Attributes, Visible), Count(response.Attributes, InFlight));
    }

    private static int Count(Dictionary<string, string>? attributes, string name) =>
        attributes is not null && attributes.TryGetValue(name, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : 0;
}
