using OrderMonitoring.Aws.Protocol;
using OrderMonitoring.Aws.Protocol.Query;

namespace OrderMonitoring.Aws.Sns;

/// <summary>Request -> form fields for each SNS operation (kept apart so tests can check them against the service model).</summary>
internal static class SnsRequests
{
    private static string Version => ServiceDescriptor.Sns.ApiVersion;

    public static QueryParameters Publish(PublishRequest request) =>
        new QueryParameters("Publish", Version)
            .Add("TopicArn", request.TopicArn)
            .Add("Message", request.Message)
            .Add("Subject", request.Subject)
            .AddMap("MessageAttributes", request.MessageAttributes, "Name", "Value", static (q, prefix, value) =>
                q.Add($"{prefix}.DataType", value.DataType).Add($"{prefix}.StringValue", value.StringValue));

    public static QueryParameters Subscribe(SubscribeRequest request) =>
        new QueryParameters("Subscribe", Version)
            .Add("TopicArn", request.TopicArn)
            .Add("Protocol", request.Protocol)
            .Add("Endpoint", request.Endpoint)
            .AddMap("Attributes", request.Attributes, "key", "value", static (q, prefix, value) => q.Add(prefix, value))
            .Add("ReturnSubscriptionArn", request.ReturnSubscriptionArn);

    public static QueryParameters Unsubscribe(UnsubscribeRequest request) =>
        new QueryParameters("Unsubscribe", Version).Add("SubscriptionArn", request.SubscriptionArn);

    public static QueryParameters ListSubscriptionsByTopic(ListSubscriptionsByTopicRequest request) =>
        new QueryParameters("ListSubscriptionsByTopic", Version).Add("TopicArn", request.TopicArn).Add("NextToken", request.NextToken);
}
