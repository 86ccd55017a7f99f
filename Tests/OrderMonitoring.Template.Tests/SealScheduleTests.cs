using System.Text.Json.Nodes;
using OrderMonitoring.Processor.Template;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>The seal schedule: an EventBridge rule invokes the processor with the seal input every DigestSealIntervalMinutes.</summary>
public sealed class SealScheduleTests
{
    private const string Rule = TemplateContract.Resources.DigestSealSchedule;
    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void The_interval_parameter_is_an_hour_by_default_and_5_to_1440_minutes()
    {
        var parameter = _template.Parameters[TemplateContract.Parameters.DigestSealIntervalMinutes]!;
        Assert.Equal("Number", (string?)parameter["Type"]);
        Assert.Equal((TemplateContract.Seals.DefaultIntervalMinutes, TemplateContract.Seals.MinIntervalMinutes, TemplateContract.Seals.MaxIntervalMinutes),
            ((int)parameter["Default"]!, (int)parameter["MinValue"]!, (int)parameter["MaxValue"]!));
    }

    [Fact]
    public void The_rule_invokes_the_processor_with_the_seal_input_at_the_interval_whatever_feeds_the_processor()
    {
        var rule = _template.Resources[Rule]!;
        Assert.Equal("AWS::Events::Rule", (string?)rule["Type"]);
        // No condition: an External stack's digests (written by the module) are sealed by the same function.
        Assert.Null(rule["Condition"]);
        var properties = rule["Properties"]!;
        Assert.Equal("rate(${" + TemplateContract.Parameters.DigestSealIntervalMinutes + "} minutes)", SubText(properties["ScheduleExpression"]));
        Assert.Equal("ENABLED", (string?)properties["State"]);
        var target = Assert.Single(properties["Targets"]!.AsArray())!;
        Assert.Equal("""{"Fn::GetAtt":["OrderProcessorLambda","Arn"]}""", target["Arn"]!.ToJsonString());
        Assert.Equal(TemplateContract.Seals.Input, (string?)target["Input"]);
        Assert.Null(target["RoleArn"]);
    }

    [Fact]
    public void Only_this_rule_may_invoke_the_processor_through_EventBridge()
    {
        var permission = Assert.Single(_template.ResourcesOfType("AWS::Lambda::Permission")).Value["Properties"]!;
        Assert.Equal("lambda:InvokeFunction", (string?)permission["Action"]);
        Assert.Equal("events.amazonaws.com", (string?)permission["Principal"]);
        Assert.True(IsRef(permission["FunctionName"], TemplateContract.Resources.Function));
        Assert.Equal(JsonNode.Parse($$"""{"Fn::GetAtt":["{{Rule}}","Arn"]}""")!.ToJsonString(), permission["SourceArn"]!.ToJsonString());
        Assert.True(IsRef(permission["SourceAccount"], "AWS::AccountId"));
    }

    [Fact]
    public void The_function_is_told_the_interval_its_seals_promise()
    {
        var variable = _template.Properties(TemplateContract.Resources.Function)["Environment"]!["Variables"]![TemplateContract.FunctionVariables.DigestSealIntervalMinutes];
        Assert.True(IsRef(variable, TemplateContract.Parameters.DigestSealIntervalMinutes));
    }
}
