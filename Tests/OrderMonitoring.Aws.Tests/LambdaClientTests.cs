using System.Net;
using Amazon;
using Amazon.Runtime;
using OrderMonitoring.Aws.Lambda;

namespace OrderMonitoring.Aws.Tests;

public sealed class LambdaClientTests
{
    private static readonly AwsRetryOptions ThreeQuickAttempts = new() { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(20) };
    private static readonly Lazy<ServiceModel> Model = new(() => ServiceModel.Load("lambda"));

    private const string FirstPage = """
        {"EventSourceMappings":[{"UUID":"u-1","State":"Enabled","LastProcessingResult":"OK","StateTransitionReason":"User action",
          "EventSourceArn":"arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/s","FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:f",
          "LastModified":1767225600.5,"BatchSize":100,"FunctionResponseTypes":["ReportBatchItemFailures"]}],
         "NextMarker":"page 2/+"}
        """;

    private const string SecondPage = """{"EventSourceMappings":[{"UUID":"u-2","State":"Disabled","LastProcessingResult":"PROBLEM: Function call failed"}]}""";

    [Fact]
    public async Task Listing_a_functions_mappings_is_a_signed_GET_that_follows_every_marker()
    {
        await using var stub = new StubAwsServer((200, FirstPage), (200, SecondPage));
        using var lambda = new AmazonLambdaClient(Connection(stub), ThreeQuickAttempts);

        var mappings = await lambda.ListAllEventSourceMappingsAsync("order-processor-dev");

        Assert.Equal(new[] { "u-1:Enabled:OK", "u-2:Disabled:PROBLEM: Function call failed" },
            mappings.Select(mapping => $"{mapping.UUID}:{mapping.State}:{mapping.LastProcessingResult}"));
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, 500, DateTimeKind.Utc), mappings[0].LastModified);
        Assert.Equal(new[]
        {
            "GET /2015-03-31/event-source-mappings/?FunctionName=order-processor-dev",
            "GET /2015-03-31/event-source-mappings/?FunctionName=order-processor-dev&Marker=page%202%2F%2B",
        }, stub.RequestLines);
        var headers = stub.Requests.First();
        Assert.Contains("/us-east-1/lambda/aws4_request", headers["Authorization"], StringComparison.Ordinal);
        Assert.False(headers.ContainsKey("Content-Type"));
    }

    [Fact]
    public void The_request_fits_the_botocore_model()
    {
        var request = new ListEventSourceMappingsRequest { FunctionName = "f", EventSourceArn = "arn", Marker = "m", MaxItems = 50 };
        var query = AmazonLambdaClient.QueryOf(request).Where(member => member.Value is not null).Select(member => new KeyValuePair<string, string>(member.Key, member.Value!));

        var problems = Model.Value.CheckRestQuery("ListEventSourceMappings", "GET", "/" + AmazonLambdaClient.EventSourceMappingsPath, query);

        Assert.Empty(problems);
        Assert.NotEmpty(Model.Value.CheckRestQuery("ListEventSourceMappings", "POST", "/2015-03-31/functions", new Dictionary<string, string> { ["Function"] = "f" }));
    }

    [Fact]
    public async Task Throttling_is_retried_and_an_error_is_named_by_its_error_type_header()
    {
        await using var throttled = new StubAwsServer((429, """{"Type":"User","message":"Rate exceeded"}"""), (200, SecondPage)) { ErrorTypeHeader = "TooManyRequestsException" };
        await using var refused = new StubAwsServer((403, """{"Message":"not authorized to perform: lambda:ListEventSourceMappings"}"""))
        {
            ErrorTypeHeader = "AccessDeniedException",
        };
        using var retried = new AmazonLambdaClient(Connection(throttled), ThreeQuickAttempts);
        using var denied = new AmazonLambdaClient(Connection(refused), ThreeQuickAttempts);

        var page = await retried.ListEventSourceMappingsAsync(new ListEventSourceMappingsRequest { FunctionName = "f" });
        var error = await Assert.ThrowsAsync<AwsServiceException>(() => denied.ListEventSourceMappingsAsync(new ListEventSourceMappingsRequest { FunctionName = "f" }));

        Assert.Equal("u-2", Assert.Single(page.EventSourceMappings).UUID);
        Assert.Equal(2, throttled.Requests.Count);
        Assert.Equal(("AccessDeniedException", HttpStatusCode.Forbidden, false, 1), (error.ErrorCode, error.StatusCode, error.IsRetryable, refused.Requests.Count));
        Assert.Contains("lambda:ListEventSourceMappings", error.Message, StringComparison.Ordinal);
    }

    private static AwsConnection Connection(StubAwsServer stub) =>
        new(RegionEndpoint.USEast1, new BasicAWSCredentials("AKIAEXAMPLE000000000", "stub-secret"), stub.Endpoint);
}
