using OrderMonitoring.Cmdlets.Infrastructure;

namespace OrderMonitoring.Cmdlets.Tests.Infrastructure;

public sealed class EnvironmentNameTests
{
    [Theory]
    [InlineData("dev", true)]
    [InlineData("Prod2", true)]
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
}
