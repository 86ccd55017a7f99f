namespace OrderMonitoring.Aws.Sns;

/// <summary>Input of Publish.</summary>
public sealed class PublishRequest
{
    public string TopicArn { get; set; } = "";

    public string Message { get; set; } = "";

    /// <summary>At most 100 printable characters, no line breaks (SNS rejects anything else).</summary>
    public string? Subject { get; set; }

    /// <summary>Attributes subscription filter policies can match on.</summary>
    public Dictionary<string, MessageAttributeValue> MessageAttributes { get; set; } = new();
}

/// <summary>One message attribute (String, String.Array or Number).</summary>
public sealed class MessageAttributeValue
{
    public string DataType { get; set; } = "String";

    public string? StringValue { get; set; }
}

/// <summary>Output of Publish.</summary>
public sealed class PublishResponse
{
    public string MessageId { get; set; } = "";
}

/// <summary>Input of Subscribe.</summary>
public sealed class SubscribeRequest
{
    public string TopicArn { get; set; } = "";

    /// <summary>email, email-json, sqs, lambda, http, https, sms, application, firehose.</summary>
    public string Protocol { get; set; } = "";

    public string? Endpoint { get; set; }

    /// <summary>Subscription attributes such as FilterPolicy or RawMessageDelivery.</summary>
    public Dictionary<string, string> Attributes { get; set; } = new();

    /// <summary>True returns the ARN even while the subscription waits for confirmation.</summary>
    public bool? ReturnSubscriptionArn { get; set; }
}

/// <summary>Output of Subscribe: an ARN, or "pending confirmation".</summary>
public sealed class SubscribeResponse
{
    public string? SubscriptionArn { get; set; }
}

/// <summary>Input of Unsubscribe.</summary>
public sealed class UnsubscribeRequest
{
    public string SubscriptionArn { get; set; } = "";
}

/// <summary>Output of Unsubscribe (empty).</summary>
public sealed class UnsubscribeResponse
{
}

/// <summary>Input of ListSubscriptionsByTopic.</summary>
public sealed class ListSubscriptionsByTopicRequest
{
    public string TopicArn { get; set; } = "";

    public string? NextToken { get; set; }
}

/// <summary>One page of subscriptions.</summary>
public sealed class ListSubscriptionsByTopicResponse
{
    public List<Subscription> Subscriptions { get; set; } = new();

    public string? NextToken { get; set; }
}

/// <summary>A topic subscription.</summary>
public sealed class Subscription
{
    public string? SubscriptionArn { get; set; }

    public string? Owner { get; set; }

    public string? Protocol { get; set; }

    public string? Endpoint { get; set; }

    public string? TopicArn { get; set; }
}
