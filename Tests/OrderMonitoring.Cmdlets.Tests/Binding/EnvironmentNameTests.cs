using OrderMonitoring.Processor.Template;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Tests.Binding;

public sealed class EnvironmentNameTests
{
    [Theory]
    [InlineData("dev", true)]
    [InlineData("Prod2", true)] // binds; New-OrderMonitoringStack explains the lower-case rule (DeployProblem)
    [InlineData("", false)]
    [InlineData("dev-1", false)]
    [InlineData("dev_1", false)]
    [InlineData("dév", false)]
    public void Follows_the_template_pattern(string value, bool valid) => Assert.Equal(valid, EnvironmentName.IsValid(value));

    [Fact]
    public void Stack_names_round_trip()
    {
        Assert.Equal("order-monitoring-dev", EnvironmentName.StackNameFor("dev"));
        Assert.Equal("dev", EnvironmentName.FromStackName("order-monitoring-dev"));
        Assert.Null(EnvironmentName.FromStackName("other-stack"));
        Assert.Null(EnvironmentName.FromStackName("order-monitoring-a-b"));
    }

    [Theory]
    [InlineData("dev", "us-east-1")]
    [InlineData("prod2", "ap-southeast-1")]
    [InlineData("abcdefghijklmn", "ap-southeast-1")] // 14: the longest that fits the longest region names
    public void Short_lower_case_environments_are_deployable(string environment, string region) =>
        Assert.Null(EnvironmentName.DeployProblem(environment, region));

    [Fact]
    public void Capitals_are_not_deployable_because_the_bucket_name_carries_the_environment()
    {
        var problem = EnvironmentName.DeployProblem("Dev", "us-east-1");
        Assert.NotNull(problem);
        Assert.Contains("'dev'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_environment_that_makes_the_bucket_name_too_long_is_not_deployable()
    {
        // order-failed-batches- (21) + env + - + 12 digits + - + ap-southeast-1 (14) must stay within 63.
        Assert.Null(EnvironmentName.DeployProblem(new string('a', 14), "ap-southeast-1"));
        Assert.Contains("at most 14 characters", EnvironmentName.DeployProblem(new string('a', 15), "ap-southeast-1"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us-east-1")] // the shortest region names leave room for more, but the template allows 14 everywhere
    [InlineData("eu-west-1")]
    [InlineData("ap-southeast-5")]
    public void The_template_limit_applies_in_every_region_so_a_too_long_name_fails_before_any_call(string region)
    {
        var longest = new string('a', TemplateContract.Parameters.EnvironmentSuffixMaxLength);

        Assert.Null(EnvironmentName.DeployProblem(longest, region));
        var problem = EnvironmentName.DeployProblem(longest + "a", region);
        Assert.NotNull(problem);
        Assert.Contains($"at most {TemplateContract.Parameters.EnvironmentSuffixMaxLength} characters", problem, StringComparison.Ordinal);
    }
}
