namespace OrderMonitoring.Aws.Sns;

/// <summary>The SNS operations we use, shaped like the SDK's interface so AWSSDK.SimpleNotificationService can replace it.</summary>
public interface IAmazonSimpleNotificationService : IDisposable
{
    /// <summary>Publishes one message to a topic.</summary>
    Task<PublishResponse> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default);

    /// <summary>Subscribes an endpoint (email, SQS queue, ...) to a topic.</summary>
    Task<SubscribeResponse> SubscribeAsync(SubscribeRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes a subscription.</summary>
    Task<UnsubscribeResponse> UnsubscribeAsync(UnsubscribeRequest request, CancellationToken cancellationToken = default);

    /// <summary>One page of a topic's subscriptions; pass <c>NextToken</c> back for the next.</summary>
    Task<ListSubscriptionsByTopicResponse> ListSubscriptionsByTopicAsync(ListSubscriptionsByTopicRequest request, CancellationToken cancellationToken = default);
}
