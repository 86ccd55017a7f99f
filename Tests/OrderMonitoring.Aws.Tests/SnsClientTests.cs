using System.Net;
using ReceiveMessageRequest = Amazon.SQS.Model.ReceiveMessageRequest;
using OrderMonitoring.Aws.Sns;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Aws.Tests;

/// <summary>Our SNS client against moto: publish with attributes reaches a subscribed queue; errors carry the service's code.</summary>
[Collection(MotoCollection.Name)]
public sealed class SnsClientTests(MotoFixture moto)
{
    [Fact]
    public async Task Published_message_with_subject_and_attributes_reaches_a_subscribed_queue()
    {
        var factory = MotoConnection.Factory(moto);
        var topicArn = await MotoConnection.CreateTopicAsync(moto, "sns-publish-" + Guid.NewGuid().ToString("N"));
        using var sqs = factory.CreateSqs();
        var queueUrl = (await sqs.CreateQueueAsync("sns-target-" + Guid.NewGuid().ToString("N"))).QueueUrl;
        var queueArn = (await sqs.GetQueueAttributesAsync(queueUrl, ["QueueArn"])).QueueARN;
        using var sns = factory.CreateSns();

        var subscription = await sns.SubscribeAsync(new SubscribeRequest
        {
            TopicArn = topicArn,
            Protocol = "sqs",
            Endpoint = queueArn,
            Attributes = { ["RawMessageDelivery"] = "true" },
            ReturnSubscriptionArn = true,
        });
        var published = await sns.PublishAsync(new PublishRequest
        {
            TopicArn = topicArn,
            Subject = "Order failed",
            Message = "order 42 & friends: naïve ✓",
            MessageAttributes = { ["orderId"] = new MessageAttributeValue { StringValue = "42" }, ["severity"] = new MessageAttributeValue { StringValue = "high" } },
        });

        Assert.StartsWith(topicArn + ":", subscription.SubscriptionArn);
        Assert.False(string.IsNullOrEmpty(published.MessageId));
        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 5, MessageAttributeNames = ["All"] });
        var message = Assert.Single(received.Messages);
        Assert.Equal("order 42 & friends: naïve ✓", message.Body);
        Assert.Equal("42", message.MessageAttributes["orderId"].StringValue);
        Assert.Equal("high", message.MessageAttributes["severity"].StringValue);
    }

    [Fact]
    public async Task Subscriptions_are_listed_and_unsubscribe_removes_one()
    {
        using var sns = MotoConnection.Factory(moto).CreateSns();
        var topicArn = await MotoConnection.CreateTopicAsync(moto, "sns-list-" + Guid.NewGuid().ToString("N"));
        var first = await sns.SubscribeAsync(new SubscribeRequest { TopicArn = topicArn, Protocol = "email", Endpoint = "ops@example.com", ReturnSubscriptionArn = true });
        await sns.SubscribeAsync(new SubscribeRequest { TopicArn = topicArn, Protocol = "email", Endpoint = "oncall@example.com", ReturnSubscriptionArn = true });

        var before = await sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = topicArn });
        await sns.UnsubscribeAsync(new UnsubscribeRequest { SubscriptionArn = first.SubscriptionArn! });
        var after = await sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = topicArn });

        Assert.Equal(["oncall@example.com", "ops@example.com"], before.Subscriptions.Select(s => s.Endpoint).OrderBy(e => e, StringComparer.Ordinal));
        Assert.All(before.Subscriptions, s => Assert.Equal(("email", topicArn), (s.Protocol, s.TopicArn)));
        Assert.Equal(["oncall@example.com"], after.Subscriptions.Select(s => s.Endpoint));
    }

    [Fact]
    public async Task Publish_to_an_unknown_topic_fails_with_NotFound_and_is_not_retried()
    {
        using var sns = MotoConnection.Factory(moto).CreateSns();
        var missing = $"arn:aws:sns:{moto.Region}:{MotoServer.AccountId}:no-such-topic-{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => sns.PublishAsync(new PublishRequest { TopicArn = missing, Message = "x" }));

        Assert.Equal("NotFound", error.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("SNS", error.ServiceName);
        Assert.Equal("Publish", error.Operation);
        Assert.Equal(1, error.Attempts);
        Assert.IsAssignableFrom<Amazon.Runtime.AmazonServiceException>(error);
    }

    [Fact]
    public async Task Listing_subscriptions_of_an_unknown_topic_fails_with_NotFound()
    {
        using var sns = MotoConnection.Factory(moto).CreateSns();
        var missing = $"arn:aws:sns:{moto.Region}:{MotoServer.AccountId}:gone-{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => sns.ListSubscriptionsByTopicAsync(new ListSubscriptionsByTopicRequest { TopicArn = missing }));

        Assert.Equal("NotFound", error.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
