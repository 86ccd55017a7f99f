using OrderMonitoring.Cmdlets.Stacks;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;
using Parameter = OrderMonitoring.Aws.CloudFormation.Parameter;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

public sealed class KeptDataTests
{
    private static readonly OrderMonitoring.Stack Deployed = new()
    {
        TableName = "order-events-dev",
        AuditBucketName = "order-audit-logs-dev-123456789012-us-east-1",
        FailedBatchesBucketName = "order-failed-batches-dev-123456789012-us-east-1",
    };

    [Fact]
    public void Lists_the_table_and_the_buckets_only_as_asked_each_with_an_action_that_says_it_cannot_be_undone()
    {
        Assert.Empty(KeptData.Of(Deployed, table: false, buckets: false));
        var table = Assert.Single(KeptData.Of(Deployed, table: true, buckets: false));
        Assert.True(table.IsTable);
        Assert.Contains("deletion protection off", table.Action, StringComparison.Ordinal);

        var all = KeptData.Of(Deployed, table: true, buckets: true);
        Assert.Equal(new[] { "order table", "audit bucket", "failed-batches bucket" }, all.Select(d => d.Description));
        Assert.All(all, item => Assert.Contains("cannot be undone", item.Action, StringComparison.Ordinal));
    }

    [Fact]
    public void A_stack_of_the_template_before_OrderTableSource_takes_its_table_with_it()
    {
        var earlier = new CfnStack { Parameters = { new Parameter { ParameterKey = "EnvironmentSuffix", ParameterValue = "dev" } } };
        var current = new CfnStack { Parameters = { new Parameter { ParameterKey = "OrderTableSource", ParameterValue = "New" } } };

        Assert.False(KeptData.KeepsTable(earlier));
        Assert.True(KeptData.KeepsTable(current));
        var error = KeptData.TableWouldGo("order-monitoring-dev", "order-events-dev");
        Assert.Equal("StackDeletesOrderTable", error.ErrorId);
        Assert.Contains("New-OrderMonitoringStack", error.RecommendedAction, StringComparison.Ordinal);
    }
}
