using System.Net;
using Amazon;
using Amazon.Runtime;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.Aws.Sns;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Aws.Tests;

/// <summary>Retry behaviour and secrecy of our clients, against a scripted HTTP stub on 127.0.0.1.</summary>
public sealed class RetryAndSecrecyTests
{
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY01";
    private const string SessionToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKENvalue0123456789abcdef";
    private static readonly AwsRetryOptions ThreeQuickAttempts = new() { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) };

    private static readonly string DescribeStacksOk = """
        <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
        <StackName>orders</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-01-02T03:04:05.678Z</CreationTime>
        <Outputs><member><OutputKey>AuditBucketName</OutputKey><OutputValue>audit-123</OutputValue><ExportName>orders-AuditBucketName</ExportName></member></Outputs>
        </member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>ok-1</RequestId></ResponseMetadata></DescribeStacksResponse>
        """;

    [Fact]
    public async Task Throttled_twice_then_ok_succeeds_on_the_third_attempt()
    {
        await using var stub = new StubAwsServer((400, QueryError("Throttling", "Rate exceeded")), (400, QueryError("Throttling", "Rate exceeded")), (200, DescribeStacksOk));
        using var cfn = new AmazonCloudFormationClient(Connection(stub), ThreeQuickAttempts);

        var stacks = await cfn.DescribeStacksAsync(new DescribeStacksRequest { StackName = "orders" });

        Assert.Equal(3, stub.Requests.Count);
        var stack = Assert.Single(stacks.Stacks);
        Assert.Equal(("orders", "CREATE_COMPLETE"), (stack.StackName, stack.StackStatus));
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc), stack.CreationTime);
        Assert.Equal(("AuditBucketName", "audit-123", "orders-AuditBucketName"), (stack.Outputs[0].OutputKey, stack.Outputs[0].OutputValue, stack.Outputs[0].ExportName));
    }

    [Fact]
    public async Task Permanent_500_gives_up_after_the_configured_attempts_with_a_clear_error()
    {
        await using var stub = new StubAwsServer((500, QueryError("InternalFailure", "Something broke inside")));
        using var cfn = new AmazonCloudFormationClient(Connection(stub), ThreeQuickAttempts);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => cfn.DescribeStacksAsync(new DescribeStacksRequest()));

        Assert.Equal(3, stub.Requests.Count);
        Assert.Equal((3, HttpStatusCode.InternalServerError, "InternalFailure"), (error.Attempts, error.StatusCode, error.ErrorCode));
        Assert.Equal("Something broke inside (gave up after 3 attempts)", error.Message);
        Assert.Contains("CloudFormation DescribeStacks failed", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(" at ", error.ToString(), StringComparison.Ordinal); // the stack trace, for whoever debugs it
    }

    [Fact]
    public async Task Validation_error_is_not_retried_and_keeps_the_service_message()
    {
        await using var stub = new StubAwsServer((400, QueryError("ValidationError", "Stack with id nope does not exist")));
        using var cfn = new AmazonCloudFormationClient(Connection(stub), ThreeQuickAttempts);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => cfn.DescribeStacksAsync(new DescribeStacksRequest { StackName = "nope" }));

        Assert.Single(stub.Requests);
        Assert.Equal(("ValidationError", "Stack with id nope does not exist", "req-from-body"), (error.ErrorCode, error.Message, error.RequestId));
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task Json_throttling_is_retried_and_non_xml_5xx_is_described_by_its_status()
    {
        await using var throttled = new StubAwsServer(
            (400, """{"__type":"com.amazonaws.dynamodb.v20120810#LimitExceededException","message":"slow down"}"""),
            (200, """{"ShardIterator":"it-1"}"""));
        using var streams = new AmazonDynamoDBStreamsClient(Connection(throttled), ThreeQuickAttempts);
        await using var html = new StubAwsServer((503, "<html><body>Service Unavailable</body>"));
        using var sns = new AmazonSimpleNotificationServiceClient(Connection(html), ThreeQuickAttempts);

        var iterator = await streams.GetShardIteratorAsync(new GetShardIteratorRequest { StreamArn = "arn", ShardId = "s" });
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => sns.PublishAsync(new PublishRequest { TopicArn = "arn", Message = "m" }));

        Assert.Equal("it-1", iterator.ShardIterator);
        Assert.Equal(2, throttled.Requests.Count);
        Assert.Equal("DynamoDBStreams_20120810.GetShardIterator", throttled.Requests.First()["X-Amz-Target"]);
        Assert.Equal(("Http503", HttpStatusCode.ServiceUnavailable, 3), (error.ErrorCode, error.StatusCode, error.Attempts));
    }

    [Fact]
    public async Task Cancellation_stops_the_retries()
    {
        await using var stub = new StubAwsServer((503, QueryError("ServiceUnavailable", "busy")));
        using var cfn = new AmazonCloudFormationClient(Connection(stub), new AwsRetryOptions { MaxAttempts = 10, BaseDelay = TimeSpan.FromSeconds(30) });
        using var cancellation = new CancellationTokenSource();

        var call = cfn.DescribeStacksAsync(new DescribeStacksRequest(), cancellation.Token);
        while (stub.Requests.IsEmpty)
        {
            await Task.Delay(10);
        }

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task No_secret_key_session_token_or_signature_reaches_messages_even_when_the_server_echoes_headers()
    {
        await using var stub = new StubAwsServer((403, QueryError("InvalidClientTokenId", "Rejected request with headers $HEADERS"))) { EchoHeaders = true };
        var credentials = new SessionAWSCredentials("AKIAEXAMPLE000000000", SecretKey, SessionToken);
        var connection = new AwsConnection(RegionEndpoint.USEast1, credentials, stub.Endpoint);
        using var sns = new AmazonSimpleNotificationServiceClient(connection, ThreeQuickAttempts);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => sns.PublishAsync(new PublishRequest { TopicArn = "arn", Message = "m" }));

        var sent = Assert.Single(stub.Requests);
        Assert.Equal(SessionToken, sent["X-Amz-Security-Token"]);
        var signature = sent["Authorization"].Split("Signature=")[1];
        Assert.Contains("/us-east-1/sns/aws4_request", sent["Authorization"], StringComparison.Ordinal);
        var texts = new[] { error.Message, error.ToString(), connection.ToString(), new AwsConnectionSettings { Credentials = credentials }.ToString() };
        foreach (var text in texts)
        {
            Assert.DoesNotContain(SecretKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(SessionToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(signature, text, StringComparison.Ordinal);
        }

        Assert.Contains("Rejected request with headers", error.Message, StringComparison.Ordinal);
    }

    private static AwsConnection Connection(StubAwsServer stub) =>
        new(RegionEndpoint.USEast1, new BasicAWSCredentials("AKIAEXAMPLE000000000", SecretKey), stub.Endpoint);

    private static string QueryError(string code, string message) =>
        $"<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type><Code>{code}</Code>"
        + $"<Message>{System.Security.SecurityElement.Escape(message)}</Message></Error><RequestId>req-from-body</RequestId></ErrorResponse>";
}
