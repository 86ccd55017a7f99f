using System.Net;
using OrderMonitoring.Aws;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>Get-OrderMonitoringStack's listing: one stack that cannot be shown never hides the others.</summary>
public sealed class StackListingTests
{
    private const string BrokenId = "arn:aws:cloudformation:us-east-1:123456789012:stack/order-monitoring-broken/2";
    private readonly FakeCloudFormation _cloudFormation = new();

    public StackListingTests()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Outputs.Clear();
        _cloudFormation.AddResource("OrderEventsTable", "AWS::DynamoDB::Table", "order-events-dev");
        _cloudFormation.OtherStacks.Add(new CfnStack { StackName = "order-monitoring-broken", StackId = BrokenId, StackStatus = "UPDATE_COMPLETE" });
        _cloudFormation.OtherStacks.Add(new CfnStack
        {
            StackName = "order-monitoring-review", StackId = "arn:aws:cloudformation:us-east-1:123456789012:stack/order-monitoring-review/3", StackStatus = "REVIEW_IN_PROGRESS",
        });
        _cloudFormation.OtherStacks.Add(new CfnStack { StackName = "someone-elses-stack", StackId = "arn:x", StackStatus = "REVIEW_IN_PROGRESS" });
        _cloudFormation.ResourceListingFailures[BrokenId] = new AwsServiceException("CloudFormation", "ListStackResources", "AccessDenied",
            "not authorized to perform: cloudformation:ListStackResources", "r-9", HttpStatusCode.Forbidden, isRetryable: false);
    }

    [Fact]
    public async Task A_stack_in_review_and_one_whose_resources_cannot_be_listed_are_failures_beside_the_stacks_read()
    {
        var listing = await new StackReader(_cloudFormation, "us-east-1").ReadAllAsync(CancellationToken.None);

        var stack = Assert.Single(listing.Stacks);
        Assert.Equal(("order-monitoring-dev", "order-events-dev"), (stack.StackName, stack.TableName));
        Assert.Equal(new[] { "order-monitoring-broken:StackUnreadable:OperationFailed", "order-monitoring-review:StackNotDeployed:InvalidState" },
            listing.Failures.Select(failure => $"{failure.StackName}:{failure.Error.ErrorId}:{failure.Error.Kind}"));
        Assert.Contains("cloudformation:ListStackResources", listing.Failures[0].Error.Message, StringComparison.Ordinal);
        Assert.Contains("REVIEW_IN_PROGRESS", listing.Failures[1].Error.Message, StringComparison.Ordinal);
        Assert.Contains("New-OrderMonitoringStack -Environment review", listing.Failures[1].Error.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stack_asked_for_by_name_is_read_found_missing_or_a_failure()
    {
        var reader = new StackReader(_cloudFormation, "us-east-1");

        var (dev, noFailure) = await reader.ReadAsync("order-monitoring-dev", CancellationToken.None);
        _cloudFormation.Statuses.Enqueue("REVIEW_IN_PROGRESS");
        var (parked, notDeployed) = await reader.ReadAsync("order-monitoring-dev", CancellationToken.None);
        _cloudFormation.Statuses.Enqueue(null);
        var (missing, none) = await reader.ReadAsync("order-monitoring-gone", CancellationToken.None);

        Assert.Equal("order-monitoring-dev", dev?.StackName);
        Assert.Null(noFailure);
        Assert.Null(parked);
        Assert.Equal(StackReadErrors.NotDeployedId, notDeployed?.Error.ErrorId);
        Assert.Equal(((OrderMonitoring.Stack?)null, (StackReadFailure?)null), (missing, none));
    }
}
