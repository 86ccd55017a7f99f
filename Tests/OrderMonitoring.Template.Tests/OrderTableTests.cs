using System.Text.Json.Nodes;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>The order table outlives its stack: retained, protected, and used again by the next deploy of the environment.</summary>
public sealed class OrderTableTests
{
    /// <summary>Every reference to the stream: the stack's own table's, or the kept table's, passed in (its name does not give it).</summary>
    internal const string StreamArnJson = """{"Fn::If":["CreatesOrderTable",{"Fn::GetAtt":["OrderEventsTable","StreamArn"]},{"Ref":"OrderTableStreamArn"}]}""";

    internal const string NameJson = """{"Fn::If":["CreatesOrderTable",{"Ref":"OrderEventsTable"},{"Fn::Sub":"order-events-${EnvironmentSuffix}"}]}""";

    internal const string ArnJson = """{"Fn::If":["CreatesOrderTable",{"Fn::GetAtt":["OrderEventsTable","Arn"]},{"Fn::Sub":"arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/order-events-${EnvironmentSuffix}"}]}""";

    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void The_orders_are_retained_when_the_stack_goes_or_replaces_the_table_and_deleting_the_table_needs_protection_off()
    {
        var table = _template.Resource("OrderEventsTable");
        Assert.Equal("Retain", (string?)table["DeletionPolicy"]);
        Assert.Equal("Retain", (string?)table["UpdateReplacePolicy"]);
        Assert.True((bool)_template.Properties("OrderEventsTable")["DeletionProtectionEnabled"]!);
    }

    [Fact]
    public void A_kept_table_is_used_by_name_and_stream_instead_of_created()
    {
        var source = _template.Parameters["OrderTableSource"]!;
        Assert.Equal(["Existing", "New"], source["AllowedValues"]!.AsArray().Select(v => (string)v!).Order());
        Assert.Equal("New", (string?)source["Default"]);
        Assert.Equal("CreatesOrderTable", (string?)_template.Resource("OrderEventsTable")["Condition"]);
        Assert.Equal("""{"Fn::Equals":[{"Ref":"OrderTableSource"},"New"]}""", _template.Root["Conditions"]!["CreatesOrderTable"]!.ToJsonString());

        // Nothing outside the table names the conditional resource directly.
        foreach (var (logicalId, resource) in _template.Resources.Where(r => r.Key != "OrderEventsTable"))
        {
            var text = resource!.ToJsonString().Replace(StreamArnJson, "");
            Assert.DoesNotContain("OrderEventsTable", text, StringComparison.Ordinal);
        }

        Assert.Equal(NameJson, _template.Outputs["OrderEventsTableName"]!["Value"]!.ToJsonString());
        Assert.Equal(ArnJson, _template.Outputs["OrderEventsTableArn"]!["Value"]!.ToJsonString());
        Assert.Equal(StreamArnJson, _template.Outputs["OrderEventsTableStreamArn"]!["Value"]!.ToJsonString());
        Assert.Equal(StreamArnJson, _template.Properties("LambdaEventSourceMapping")["EventSourceArn"]!.ToJsonString());
    }

    [Fact]
    public void An_existing_table_must_come_with_its_stream()
    {
        var stream = _template.Parameters["OrderTableStreamArn"]!;
        // No default: a deploy states the stream (empty for a new table), and a rule refuses Existing without one.
        Assert.Null(stream["Default"]);
        var pattern = new System.Text.RegularExpressions.Regex((string)stream["AllowedPattern"]!);
        Assert.Matches(pattern, "");
        Assert.Matches(pattern, "arn:aws:dynamodb:eu-west-1:123456789012:table/order-events-prod/stream/2026-12-06T23:04:14.720");
        Assert.DoesNotMatch(pattern, "order-events-prod");

        var rule = _template.Root["Rules"]!["ExistingOrderTableNeedsItsStream"]!;
        Assert.Equal("""{"Fn::Equals":[{"Ref":"OrderTableSource"},"Existing"]}""", rule["RuleCondition"]!.ToJsonString());
        var assertion = Assert.Single(rule["Assertions"]!.AsArray())!;
        Assert.Equal("""{"Fn::Not":[{"Fn::Equals":[{"Ref":"OrderTableStreamArn"},""]}]}""", assertion["Assert"]!.ToJsonString());
    }

    [Fact]
    public void The_failed_batches_bucket_policy_stays_with_its_kept_bucket()
    {
        var policy = _template.Resource("FailedBatchesBucketPolicy");
        // Like the audit bucket's: kept on removal, and left out when the bucket is kept (a second policy cannot be created on it).
        Assert.Equal("CreatesFailedBatchesBucket", (string?)policy["Condition"]);
        Assert.Equal("Retain", (string?)policy["DeletionPolicy"]);
        Assert.Equal("Retain", (string?)policy["UpdateReplacePolicy"]);
        Assert.True(IsRef(policy["Properties"]!["Bucket"], "FailedBatchesBucket"));
        Assert.DoesNotContain("Fn::If", policy.ToJsonString(), StringComparison.Ordinal);
    }
}
