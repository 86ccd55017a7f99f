using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>The dashboard shows the processor's health at a glance; its body is valid JSON once CloudFormation substitutes names.</summary>
public sealed partial class DashboardTests
{
    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void Dashboard_is_named_per_environment()
    {
        var dashboard = _template.ResourcesOfType("AWS::CloudWatch::Dashboard").Single().Value;
        Assert.Contains("${EnvironmentSuffix}", SubText(dashboard["Properties"]!["DashboardName"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Substitutions_name_only_parameters_resources_and_pseudo_parameters()
    {
        var known = _template.Parameters.Select(p => p.Key).Concat(_template.Resources.Select(r => r.Key)).ToHashSet();
        foreach (Match match in Placeholder().Matches(BodyTemplate()))
        {
            var name = match.Groups["name"].Value;
            Assert.True(name.StartsWith("AWS::", StringComparison.Ordinal) || known.Contains(name.Split('.')[0]), $"Unknown substitution ${{{name}}}.");
        }
    }

    [Theory]
    [InlineData("AWS/Lambda", "Invocations")]
    [InlineData("AWS/Lambda", "Errors")]
    [InlineData("AWS/Lambda", "IteratorAge")]
    [InlineData("OrderMonitoring", "RecordsProcessed")]
    [InlineData("OrderMonitoring", "RecordsFailed")]
    [InlineData("OrderMonitoring", "RecordsQuarantined")]
    [InlineData("OrderMonitoring", "AlertsPublished")]
    [InlineData("AWS/SQS", "ApproximateNumberOfMessagesVisible")]
    public void Dashboard_shows_metric(string metricNamespace, string metricName)
    {
        var metrics = Body()["widgets"]!.AsArray()
            .SelectMany(w => w!["properties"]?["metrics"]?.AsArray() ?? [])
            .Select(m => m!.AsArray());
        Assert.Contains(metrics, m => (string?)m[0] == metricNamespace && (string?)m[1] == metricName);
    }

    private string BodyTemplate()
    {
        var dashboard = _template.ResourcesOfType("AWS::CloudWatch::Dashboard").Single().Value;
        return SubText(dashboard["Properties"]!["DashboardBody"]) ?? throw new Xunit.Sdk.XunitException("DashboardBody is not a Fn::Sub string.");
    }

    private JsonNode Body() => JsonNode.Parse(Placeholder().Replace(BodyTemplate(), "substituted"))!;

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z0-9:.]+)\}")]
    private static partial Regex Placeholder();
}
