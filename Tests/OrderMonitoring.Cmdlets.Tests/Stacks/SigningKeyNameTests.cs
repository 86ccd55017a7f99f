using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Template;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>Which key signs a stack's digests, when the stack publishes no outputs (a failed update, moto's change-set stacks).</summary>
public sealed class SigningKeyNameTests
{
    private readonly FakeCloudFormation _cloudFormation = new();

    public SigningKeyNameTests()
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Outputs.Clear();
        _cloudFormation.AddResource("OrderEventsTable", "AWS::DynamoDB::Table", "order-events-dev");
    }

    [Fact]
    public async Task The_stacks_own_key_is_named_by_its_ARN_in_the_stacks_account_and_region()
    {
        _cloudFormation.AddResource(TemplateContract.Resources.DigestSigningKey, "AWS::KMS::Key", "0a1b2c3d-1111-2222-3333-444455556666");

        var (stack, _) = await new StackReader(_cloudFormation, "us-east-1").ReadAsync("order-monitoring-dev", CancellationToken.None);

        Assert.Equal("arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666", stack?.DigestSigningKeyArn);
    }

    [Fact]
    public async Task A_key_passed_in_is_named_by_its_parameter()
    {
        const string SecurityAccountKey = "arn:aws:kms:us-east-1:999999999999:key/k-1";
        _cloudFormation.Parameters.Add(new OrderMonitoring.Aws.CloudFormation.Parameter { ParameterKey = TemplateContract.Parameters.DigestSigningKeyArn, ParameterValue = SecurityAccountKey });

        var (stack, _) = await new StackReader(_cloudFormation, "us-east-1").ReadAsync("order-monitoring-dev", CancellationToken.None);

        Assert.Equal(SecurityAccountKey, stack?.DigestSigningKeyArn);
    }
}
