using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

public sealed class ConditionalPlanNoteTests
{
    private const string Template = """
        { "Resources": {
            "OrderEventsTable": { "Type": "AWS::DynamoDB::Table" },
            "LambdaEventSourceMapping": { "Type": "AWS::Lambda::EventSourceMapping", "Condition": "UseLambdaTrigger" },
            "AlertEmailSubscription": { "Type": "AWS::SNS::Subscription", "Condition": "HasAlertEmail" } } }
        """;

    private static readonly StackChange[] Plan =
    [
        new() { LogicalResourceId = "OrderEventsTable", Action = "Add", ResourceType = "AWS::DynamoDB::Table" },
        new() { LogicalResourceId = "LambdaEventSourceMapping", Action = "Add", ResourceType = "AWS::Lambda::EventSourceMapping" },
    ];

    [Fact]
    public void An_emulators_plan_with_a_conditional_resource_gets_a_note_naming_it_and_its_condition()
    {
        var note = ConditionalPlanNote.For(Plan, Template, new Uri("http://127.0.0.1:5000"));

        Assert.NotNull(note);
        Assert.Contains("127.0.0.1:5000, not from AWS", note, StringComparison.Ordinal);
        Assert.Contains("LambdaEventSourceMapping (condition UseLambdaTrigger)", note, StringComparison.Ordinal);
        Assert.DoesNotContain("AlertEmailSubscription", note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://cloudformation.eu-west-1.amazonaws.com")]
    [InlineData("https://cloudformation-fips.us-east-1.amazonaws.com")]
    [InlineData("https://vpce-0123-abcd.cloudformation.us-east-1.vpce.amazonaws.com")]
    [InlineData("https://cloudformation.cn-north-1.amazonaws.com.cn")]
    public void A_plan_from_AWS_gets_no_note(string? endpoint) =>
        Assert.Null(ConditionalPlanNote.For(Plan, Template, endpoint is null ? null : new Uri(endpoint)));

    [Fact]
    public void A_plan_without_conditional_resources_gets_no_note() =>
        Assert.Null(ConditionalPlanNote.For([Plan[0]], Template, new Uri("http://127.0.0.1:5000")));
}
