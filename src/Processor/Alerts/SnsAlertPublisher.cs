using OrderMonitoring.Aws.Sns;

namespace OrderMonitoring.Processor.Alerts;

/// <summary>Publishes alerts to an SNS topic, every attribute as a String message attribute.</summary>
public sealed class SnsAlertPublisher : IAlertPublisher
{
    private readonly IAmazonSimpleNotificationService _sns;

    public SnsAlertPublisher(IAmazonSimpleNotificationService sns, string topicArn)
    {
        _sns = sns ?? throw new ArgumentNullException(nameof(sns));
        TopicArn = string.IsNullOrWhiteSpace(topicArn)
            ? throw new ArgumentException("An SNS topic ARN is required.", nameof(topicArn))
            : topicArn;
    }

    public string TopicArn { get; }

    public async Task PublishAsync(Alert alert, CancellationToken cancellationToken)
    {
        if (alert is null)
        {
            throw new ArgumentNullException(nameof(alert));
        }

        var request = new PublishRequest { TopicArn = TopicArn, Subject = alert.Subject, Message = alert.Message };
        foreach (var attribute in alert.Attributes)
        {
            request.MessageAttributes[attribute.Key] = new MessageAttributeValue { DataType = "String", StringValue = attribute.Value };
        }

        await _sns.PublishAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
