using System.Net;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>The processor's own retry of a store write or publish: what is worth another try and what is not.</summary>
public sealed class RecordRetryTests
{
    [Fact]
    public async Task An_HttpClient_timeout_is_retried_not_mistaken_for_cancellation()
    {
        var harness = new Harness(retryAttempts: 1);
        var calls = 0;
        harness.Store.FailWhen = _ => Interlocked.Increment(ref calls) == 1;
        harness.Store.Error = _ => new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.");

        var result = await harness.RunAsync(Events.Insert("ORD-TIMEOUT"));

        Assert.Empty(result.BatchItemFailures);
        Assert.Equal((1, 2), (result.Audited, harness.Store.Calls));
    }

    [Fact]
    public async Task A_timeout_on_every_attempt_is_reported_for_redelivery_not_a_crash()
    {
        var harness = new Harness(retryAttempts: 1);
        var record = Events.Insert("ORD-ALWAYS-TIMEOUT");
        harness.Store.FailWhen = _ => true;
        harness.Store.Error = _ => new TaskCanceledException("timed out");

        var result = await harness.RunAsync(record, Events.Insert("ORD-OTHER-TIMEOUT"));

        Assert.Equal(2, result.Failed);
        Assert.Contains(result.BatchItemFailures, failure => failure.ItemIdentifier == record.Dynamodb!.SequenceNumber);
    }

    [Fact]
    public async Task A_validation_error_from_SNS_is_not_sent_again()
    {
        var harness = new Harness(retryAttempts: 2);
        var record = Events.Insert("ORD-400", "FAILED");
        harness.Publisher.FailWhen = _ => true;
        harness.Publisher.Error = () => new AwsServiceException("SNS", "Publish", "InvalidParameter", "Invalid parameter: Message", "req-1",
            HttpStatusCode.BadRequest, isRetryable: false);

        var result = await harness.RunAsync(record);

        Assert.Equal(record.Dynamodb!.SequenceNumber, Assert.Single(result.BatchItemFailures).ItemIdentifier);
        Assert.Equal(1, harness.Publisher.Calls);
    }

    [Fact]
    public async Task Throttling_the_client_gave_up_on_gets_the_extra_attempt()
    {
        var harness = new Harness(retryAttempts: 1);
        var calls = 0;
        harness.Publisher.FailWhen = _ => Interlocked.Increment(ref calls) == 1;
        harness.Publisher.Error = () => new AwsServiceException("SNS", "Publish", "Throttling", "Rate exceeded", "req-2",
            HttpStatusCode.BadRequest, isRetryable: true);

        var result = await harness.RunAsync(Events.Insert("ORD-THROTTLED", "FAILED"));

        Assert.Empty(result.BatchItemFailures);
        Assert.Single(harness.Publisher.Published);
    }
}
