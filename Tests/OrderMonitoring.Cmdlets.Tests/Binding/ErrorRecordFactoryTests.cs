using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Binding;

public sealed class ErrorRecordFactoryTests
{
    public static TheoryData<Exception> EveryKindOfFailure() => new()
    {
        new AwsConfigurationException("no region"),
        new AwsServiceException("SNS", "Publish", "InvalidParameter", "bad subject", "req-1", HttpStatusCode.BadRequest, isRetryable: false),
        new AwsServiceException("SNS", "Publish", "InternalError", "oops", "req-2", HttpStatusCode.InternalServerError, isRetryable: true),
        new ArgumentException("bad value"),
        new TimeoutException("slow"),
        new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused)),
        new OrderMonitoringException("SomethingOdd", FailureKind.OperationFailed, "it broke"),
        new InvalidOperationException("unexpected"),
    };

    [Theory]
    [MemberData(nameof(EveryKindOfFailure))]
    public void Every_failure_gets_an_id_a_category_and_a_recommended_action(Exception failure)
    {
        var record = ErrorRecordFactory.Create(failure, "target");

        Assert.False(string.IsNullOrWhiteSpace(record.FullyQualifiedErrorId));
        Assert.False(string.IsNullOrWhiteSpace(record.ErrorDetails?.RecommendedAction));
        Assert.False(string.IsNullOrWhiteSpace(record.ErrorDetails?.Message));
        if (failure is not InvalidOperationException)
        {
            Assert.NotEqual(ErrorCategory.NotSpecified, record.CategoryInfo.Category);
        }
    }

    [Fact]
    public void Configuration_errors_are_invalid_arguments_with_a_recommended_action()
    {
        var record = ErrorRecordFactory.Create(new AwsConfigurationException("The AWS profile 'nope' was not found."), "order-monitoring-dev");

        Assert.Equal("AwsConfigurationInvalid", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Equal("order-monitoring-dev", record.TargetObject);
        Assert.Contains("-ProfileName", record.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("'nope'", record.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_errors_keep_the_service_code_and_request_id()
    {
        var error = new AwsServiceException("CloudFormation", "DescribeStacks", "AccessDenied", "User is not authorized", "req-123",
            HttpStatusCode.Forbidden, isRetryable: false);

        var record = ErrorRecordFactory.Create(error, null);

        Assert.Equal("AwsService.AccessDenied", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, record.CategoryInfo.Category);
        Assert.Contains("req-123", record.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("CloudFormation DescribeStacks", record.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Same(error, record.Exception);
    }

    [Theory]
    [InlineData("ValidationError", HttpStatusCode.BadRequest, ErrorCategory.InvalidOperation)]
    [InlineData("NoSuchBucket", HttpStatusCode.NotFound, ErrorCategory.ObjectNotFound)]
    [InlineData("Throttling", HttpStatusCode.BadRequest, ErrorCategory.LimitsExceeded)]
    [InlineData("InternalFailure", HttpStatusCode.InternalServerError, ErrorCategory.ResourceUnavailable)]
    public void Service_errors_get_a_category_from_their_code(string code, HttpStatusCode status, ErrorCategory expected)
    {
        var record = ErrorRecordFactory.Create(new AwsServiceException("S3", "Op", code, "m", null, status, false), null);

        Assert.Equal(expected, record.CategoryInfo.Category);
        Assert.Equal("AwsService." + code, record.FullyQualifiedErrorId);
    }

    [Fact]
    public void A_refused_connection_is_a_connection_error()
    {
        var refused = new HttpRequestException("Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused));

        var record = ErrorRecordFactory.Create(new AggregateException(refused), null);

        Assert.Equal("AwsEndpointUnreachable", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, record.CategoryInfo.Category);
        Assert.Contains("-EndpointUrl", record.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void A_module_failure_caused_by_an_unreachable_endpoint_is_classified_as_one_keeping_its_message()
    {
        var refused = new HttpRequestException("CloudFormation DescribeStacks could not reach 127.0.0.1:1 (4 attempt(s))",
            new SocketException((int)SocketError.ConnectionRefused));
        var wrapped = new OrderMonitoringException("StackUnreadable", FailureKind.OperationFailed, "The stack 'order-monitoring-dev' could not be read: " + refused.Message,
            "Check the stack in the CloudFormation console.", refused);
        var slow = new OrderMonitoringException("StackUnreadable", FailureKind.OperationFailed, "The stack could not be read: slow", null, new TimeoutException("slow"));
        var answered = new OrderMonitoringException("StackUnreadable", FailureKind.OperationFailed, "The stack could not be read: denied", null,
            new AwsServiceException("CloudFormation", "DescribeStacks", "AccessDenied", "denied", "req-1", HttpStatusCode.Forbidden, isRetryable: false));

        var unreachable = ErrorRecordFactory.Create(wrapped, "order-monitoring-dev");

        Assert.Equal("AwsEndpointUnreachable", unreachable.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, unreachable.CategoryInfo.Category);
        Assert.Contains("endpoint is reachable", unreachable.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.StartsWith("The stack 'order-monitoring-dev' could not be read", unreachable.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Equal("AwsRequestTimedOut", ErrorRecordFactory.Create(slow, null).FullyQualifiedErrorId);
        Assert.Equal("StackUnreadable", ErrorRecordFactory.Create(answered, null).FullyQualifiedErrorId);
    }

    [Fact]
    public void A_timeout_is_an_operation_timeout()
    {
        var record = ErrorRecordFactory.Create(new TimeoutException("slow"), null);

        Assert.Equal("AwsRequestTimedOut", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, record.CategoryInfo.Category);
    }

    [Fact]
    public void Module_failures_keep_their_own_id_kind_and_action()
    {
        var failure = new OrderMonitoringException("StackRolledBack", FailureKind.OperationFailed, "Table failed", "Fix the table");

        var record = ErrorRecordFactory.Create(failure, "s");

        Assert.Equal("StackRolledBack", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidResult, record.CategoryInfo.Category);
        Assert.Equal("Fix the table", record.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void Validation_errors_are_invalid_arguments()
    {
        var record = ErrorRecordFactory.Validation("InvalidTag", "Tag keys must be strings.", "x");

        Assert.Equal("InvalidTag", record.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
    }
}
