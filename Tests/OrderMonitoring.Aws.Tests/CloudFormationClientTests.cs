using System.Net;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Aws.Tests;

/// <summary>Our CloudFormation client against moto: the change-set life cycle of a one-topic stack, paging, and service errors.</summary>
[Collection(MotoCollection.Name)]
public sealed class CloudFormationClientTests(MotoFixture moto)
{
    private const string TopicTemplate = """
        {
          "AWSTemplateFormatVersion": "2010-09-09",
          "Description": "One topic for client tests",
          "Parameters": { "TopicName": { "Type": "String", "Description": "Name of the topic" } },
          "Resources": { "Alerts": { "Type": "AWS::SNS::Topic", "Properties": { "TopicName": { "Ref": "TopicName" } } } },
          "Outputs": { "AlertsArn": { "Value": { "Ref": "Alerts" }, "Export": { "Name": { "Fn::Sub": "${AWS::StackName}-AlertsArn" } } } }
        }
        """;

    [Fact]
    public async Task Change_set_creates_the_stack_and_stack_reads_show_outputs_resources_and_events()
    {
        using var cfn = MotoConnection.Factory(moto).CreateCloudFormation();
        var stackName = "cfn-life-" + Guid.NewGuid().ToString("N").Substring(0, 12);
        var topicName = stackName + "-alerts";

        var created = await cfn.CreateChangeSetAsync(new CreateChangeSetRequest
        {
            StackName = stackName,
            ChangeSetName = "create-1",
            ChangeSetType = ChangeSetType.CREATE,
            TemplateBody = TopicTemplate,
            Parameters = [new Parameter { ParameterKey = "TopicName", ParameterValue = topicName }],
            Capabilities = [Capability.CAPABILITY_IAM],
            Tags = [new Tag { Key = "project", Value = "order-monitoring" }],
        });
        var changeSet = await WaitForChangeSetAsync(cfn, created.Id!);
        await cfn.ExecuteChangeSetAsync(new ExecuteChangeSetRequest { ChangeSetName = created.Id! });
        var stack = await WaitForStackAsync(cfn, stackName, "CREATE_COMPLETE");
        var resources = await cfn.ListAllStackResourcesAsync(stackName);
        var events = await Paging.ReadAllAsync(
            (next, token) => cfn.DescribeStackEventsAsync(new DescribeStackEventsRequest { StackName = stackName, NextToken = next }, token),
            page => page.NextToken, page => page.StackEvents, CancellationToken.None);

        Assert.Equal(created.StackId, stack.StackId);
        var change = Assert.Single(changeSet.Changes).ResourceChange!;
        Assert.Equal(("Add", "Alerts", "AWS::SNS::Topic"), (change.Action, change.LogicalResourceId, change.ResourceType));
        // moto leaves Outputs out of stacks created by change sets; output parsing is covered by QueryResultParsingTests.
        Assert.Contains(stack.Parameters, p => p.ParameterKey == "TopicName" && p.ParameterValue == topicName);
        Assert.Equal(topicName, resources.Single().PhysicalResourceId!.Split(':').Last());
        Assert.NotNull(stack.CreationTime);
        var resource = Assert.Single(resources);
        Assert.Equal(("Alerts", "AWS::SNS::Topic", "CREATE_COMPLETE"), (resource.LogicalResourceId, resource.ResourceType, resource.ResourceStatus));
        Assert.Contains(events, e => e.LogicalResourceId == stackName && e.ResourceStatus == "CREATE_COMPLETE" && e.Timestamp is not null);
        Assert.All(events, e => Assert.Equal(stackName, e.StackName));
    }

    [Fact]
    public async Task Update_without_changes_is_refused_and_a_real_update_change_set_can_be_deleted()
    {
        using var cfn = MotoConnection.Factory(moto).CreateCloudFormation();
        var stackName = "cfn-upd-" + Guid.NewGuid().ToString("N").Substring(0, 12);
        await CreateStackAsync(cfn, stackName, stackName + "-a");

        var noChange = await Assert.ThrowsAsync<AwsServiceException>(() => cfn.CreateChangeSetAsync(UpdateRequest(stackName, "same", stackName + "-a")));
        var update = await cfn.CreateChangeSetAsync(UpdateRequest(stackName, "rename", stackName + "-b"));
        var described = await WaitForChangeSetAsync(cfn, update.Id!);
        await cfn.DeleteChangeSetAsync(new DeleteChangeSetRequest { ChangeSetName = "rename", StackName = stackName });
        var gone = await Assert.ThrowsAsync<AwsServiceException>(() => cfn.DescribeChangeSetAsync(new DescribeChangeSetRequest { ChangeSetName = "rename", StackName = stackName }));

        Assert.Equal("ValidationError", noChange.ErrorCode);
        Assert.Contains("No updates are to be performed", noChange.Message, StringComparison.Ordinal);
        // moto lists no resource changes for UPDATE change sets; the new parameter value shows the update was understood.
        Assert.Equal(("rename", stackName + "-b"), (described.ChangeSetName, Assert.Single(described.Parameters).ParameterValue));
        Assert.Contains(gone.ErrorCode, new[] { "ChangeSetNotFound", "ValidationError" }); // AWS says the former, moto the latter
    }

    [Fact]
    public async Task DeleteStack_removes_the_stack_and_unknown_stacks_fail_with_ValidationError()
    {
        using var cfn = MotoConnection.Factory(moto).CreateCloudFormation();
        var stackName = "cfn-del-" + Guid.NewGuid().ToString("N").Substring(0, 12);
        await CreateStackAsync(cfn, stackName, stackName + "-t");

        await cfn.DeleteStackAsync(new DeleteStackRequest { StackName = stackName });
        var described = await Assert.ThrowsAsync<AwsServiceException>(() => cfn.DescribeStacksAsync(new DescribeStacksRequest { StackName = stackName }));
        var events = await Assert.ThrowsAsync<AwsServiceException>(() => cfn.DescribeStackEventsAsync(new DescribeStackEventsRequest { StackName = "no-such-stack" }));
        var resources = await Assert.ThrowsAsync<AwsServiceException>(() => cfn.ListStackResourcesAsync(new ListStackResourcesRequest { StackName = "no-such-stack" }));

        Assert.Equal("ValidationError", described.ErrorCode);
        Assert.Contains(stackName, described.Message, StringComparison.Ordinal);
        Assert.Equal("ValidationError", events.ErrorCode);
        Assert.Equal("ValidationError", resources.ErrorCode);
        Assert.Equal(("CloudFormation", "ListStackResources", HttpStatusCode.BadRequest), (resources.ServiceName, resources.Operation, resources.StatusCode));
    }

    private static CreateChangeSetRequest UpdateRequest(string stackName, string changeSetName, string topicName) => new()
    {
        StackName = stackName,
        ChangeSetName = changeSetName,
        ChangeSetType = ChangeSetType.UPDATE,
        TemplateBody = TopicTemplate,
        Parameters = [new Parameter { ParameterKey = "TopicName", ParameterValue = topicName }],
    };

    private static async Task CreateStackAsync(IAmazonCloudFormation cfn, string stackName, string topicName)
    {
        var created = await cfn.CreateChangeSetAsync(new CreateChangeSetRequest
        {
            StackName = stackName,
            ChangeSetName = "create",
            ChangeSetType = ChangeSetType.CREATE,
            TemplateBody = TopicTemplate,
            Parameters = [new Parameter { ParameterKey = "TopicName", ParameterValue = topicName }],
        });
        await WaitForChangeSetAsync(cfn, created.Id!);
        await cfn.ExecuteChangeSetAsync(new ExecuteChangeSetRequest { ChangeSetName = created.Id! });
        await WaitForStackAsync(cfn, stackName, "CREATE_COMPLETE");
    }

    private static async Task<DescribeChangeSetResponse> WaitForChangeSetAsync(IAmazonCloudFormation cfn, string changeSetId)
    {
        for (var poll = 0; ; poll++)
        {
            var described = await cfn.DescribeChangeSetAllChangesAsync(new DescribeChangeSetRequest { ChangeSetName = changeSetId });
            if (described.Status is "CREATE_COMPLETE" or "FAILED" || poll == 100)
            {
                Assert.Equal("CREATE_COMPLETE", described.Status);
                return described;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<Stack> WaitForStackAsync(IAmazonCloudFormation cfn, string stackName, string status)
    {
        for (var poll = 0; ; poll++)
        {
            var stack = Assert.Single((await cfn.DescribeStacksAsync(new DescribeStacksRequest { StackName = stackName })).Stacks);
            if (stack.StackStatus == status || !stack.StackStatus!.EndsWith("_IN_PROGRESS", StringComparison.Ordinal) || poll == 100)
            {
                Assert.Equal(status, stack.StackStatus);
                return stack;
            }

            await Task.Delay(100);
        }
    }
}
