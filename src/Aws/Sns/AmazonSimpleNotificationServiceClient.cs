using OrderMonitoring.Aws.Protocol;
using OrderMonitoring.Aws.Protocol.Query;

namespace OrderMonitoring.Aws.Sns;

/// <summary>Our SNS client (Query protocol, 2010-03-31) for the few operations the module and the processor use.</summary>
public sealed class AmazonSimpleNotificationServiceClient : IAmazonSimpleNotificationService
{
    private readonly QueryProtocol _protocol;

    /// <summary>A client for the connection's region and SNS endpoint.</summary>
    public AmazonSimpleNotificationServiceClient(AwsConnection connection, AwsRetryOptions? retry = null)
        : this(new QueryProtocol(ServiceDescriptor.Sns, connection, retry))
    {
    }

    internal AmazonSimpleNotificationServiceClient(QueryProtocol protocol) => _protocol = protocol;

    /// <inheritdoc />
    public async Task<PublishResponse> PublishAsync(PublishRequest request, CancellationToken cancellationToken = default)
    {
        var result = await _protocol.InvokeAsync(SnsRequests.Publish(request), cancellationToken).ConfigureAwait(false);
        return new PublishResponse { MessageId = result.Text("MessageId") ?? "" };
    }

    /// <inheritdoc />
    public async Task<SubscribeResponse> SubscribeAsync(SubscribeRequest request, CancellationToken cancellationToken = default)
    {
        var result = await _protocol.InvokeAsync(SnsRequests.Subscribe(request), cancellationToken).ConfigureAwait(false);
        return new SubscribeResponse { SubscriptionArn = result.Text("SubscriptionArn") };
    }

    /// <inheritdoc />
    public async Task<UnsubscribeResponse> UnsubscribeAsync(UnsubscribeRequest request, CancellationToken cancellationToken = default)
    {
        await _protocol.InvokeAsync(SnsRequests.Unsubscribe(request), cancellationToken).ConfigureAwait(false);
        return new UnsubscribeResponse();
    }

    /// <inheritdoc />
    public async Task<ListSubscriptionsByTopicResponse> ListSubscriptionsByTopicAsync(ListSubscriptionsByTopicRequest request,
        CancellationToken cancellationToken = default)
    {
        var result = await _protocol.InvokeAsync(SnsRequests.ListSubscriptionsByTopic(request), cancellationToken).ConfigureAwait(false);
        return new ListSubscriptionsByTopicResponse
        {
            NextToken = result.Text("NextToken"),
            Subscriptions = result.Members("Subscriptions").Select(static m => new Subscription
            {
                SubscriptionArn = m.Text("SubscriptionArn"),
                Owner = m.Text("Owner"),
                Protocol = m.Text("Protocol"),
                Endpoint = m.Text("Endpoint"),
                TopicArn = m.Text("TopicArn"),
            }).ToList(),
        };
    }

    /// <summary>Nothing to release: the HTTP connection pool is shared by the process.</summary>
    public void Dispose()
    {
    }
}
