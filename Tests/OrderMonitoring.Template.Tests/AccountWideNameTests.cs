using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>
/// IAM roles and CloudWatch dashboards are account-wide, not regional: the same environment deployed in a second region
/// must not collide with (or overwrite) the first one's, just as the audit bucket's name already carries the region.
/// </summary>
public sealed class AccountWideNameTests
{
    private readonly OrderMonitoringTemplate _template = Load();

    [Theory]
    [InlineData("OrderProcessorLambdaRole", "RoleName", "order-processor-lambda-role-${EnvironmentSuffix}-${AWS::Region}")]
    [InlineData("MonitoringDashboard", "DashboardName", "order-monitoring-${EnvironmentSuffix}-${AWS::Region}")]
    public void Account_wide_name_carries_environment_and_region(string logicalId, string property, string name) =>
        Assert.Equal(name, SubText(_template.Properties(logicalId)[property]));

    [Fact]
    public void Role_name_fits_iam_for_every_environment_the_bucket_name_allows()
    {
        // The audit bucket (order-audit-logs-<env>-<12 digits>-<region>, at most 63) is the tighter bound on <env>;
        // IAM role names may have 64 characters.
        const string longestRegion = "ap-southeast-1";
        var longestEnvironment = 63 - "order-audit-logs-".Length - 12 - longestRegion.Length - 2;
        var roleName = SubText(_template.Properties("OrderProcessorLambdaRole")["RoleName"])!
            .Replace("${EnvironmentSuffix}", new string('e', longestEnvironment), StringComparison.Ordinal)
            .Replace("${AWS::Region}", longestRegion, StringComparison.Ordinal);
        Assert.InRange(roleName.Length, 1, 64);
    }
}
