using Amazon;
using OrderMonitoring.Aws.Protocol;
using OrderMonitoring.Aws.Protocol.Query;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Aws.Tests;

/// <summary>Connections and small helpers for tests that talk to the shared moto server.</summary>
internal static class MotoConnection
{
    /// <summary>Short backoff so a retried call in a test does not idle; behaviour is the same as in production.</summary>
    public static readonly AwsRetryOptions FastRetry = new() { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10) };

    public static AwsConnection For(MotoFixture moto) => new(RegionEndpoint.GetBySystemName(moto.Region), moto.Credentials, moto.Endpoint);

    public static AwsClientFactory Factory(MotoFixture moto) => new(For(moto), FastRetry);

    /// <summary>Creates an SNS topic through our own Query core (our SNS client has no CreateTopic: the stack creates topics).</summary>
    public static async Task<string> CreateTopicAsync(MotoFixture moto, string name)
    {
        var protocol = new QueryProtocol(ServiceDescriptor.Sns, For(moto), FastRetry);
        var result = await protocol.InvokeAsync(new QueryParameters("CreateTopic", "2010-03-31").Add("Name", name), CancellationToken.None);
        return result.Text("TopicArn") ?? throw new InvalidOperationException("CreateTopic returned no TopicArn.");
    }
}
