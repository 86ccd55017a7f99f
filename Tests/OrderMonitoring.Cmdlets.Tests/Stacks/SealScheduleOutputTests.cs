using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Template;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>Whether a stack seals its digests, as the audit check learns it: the stack's DigestSealSchedule output.</summary>
public sealed class SealScheduleOutputTests
{
    private readonly FakeCloudFormation _cloudFormation = new();

    public SealScheduleOutputTests()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Outputs[TemplateContract.Outputs.AuditBucketName] = "order-audit-dev";
        _cloudFormation.Outputs[TemplateContract.Outputs.TopicArn] = "arn:aws:sns:us-east-1:123456789012:order-alerts-dev";
    }

    private Task<OrderStackResources> ResolveAsync() =>
        new CloudFormationStackResolver(new StackReader(_cloudFormation, "us-east-1")).ResolveAsync(FakeCloudFormation.StackName, "dev", CancellationToken.None);

    [Fact]
    public async Task A_stack_with_the_output_seals_on_its_schedule()
    {
        _cloudFormation.Outputs["DigestSealSchedule"] = "rate(60 minutes)";

        Assert.Equal("rate(60 minutes)", (await ResolveAsync()).DigestSealSchedule);
    }

    [Fact]
    public async Task A_stack_from_before_seals_has_none() => Assert.Null((await ResolveAsync()).DigestSealSchedule);
}
