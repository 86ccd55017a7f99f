using System.Text.Json.Nodes;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>The alerts topic: a customer-managed key alarms can use (alias/aws/sns silently drops alarm notifications), optional e-mail.</summary>
public sealed class AlertsTests
{
    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void Topic_is_encrypted_with_the_stack_customer_managed_key()
    {
        var keyId = _template.Properties("OrderAlertsTopic")["KmsMasterKeyId"];
        Assert.True(IsRef(keyId, "AlertsKey") || IsGetAtt(keyId, "AlertsKey", "Arn"), keyId?.ToJsonString());
        Assert.DoesNotContain("alias/aws/", _template.Text, StringComparison.Ordinal);
        Assert.Equal("AWS::KMS::Key", _template.TypeOf("AlertsKey"));
        Assert.True((bool)_template.Properties("AlertsKey")["EnableKeyRotation"]!);
    }

    [Fact]
    public void Key_has_an_alias()
    {
        var alias = _template.ResourcesOfType("AWS::KMS::Alias").Select(a => a.Value["Properties"]!).Single(p => IsRef(p["TargetKeyId"], "AlertsKey"));
        Assert.StartsWith("alias/", SubText(alias["AliasName"]), StringComparison.Ordinal);
        Assert.Contains("${EnvironmentSuffix}", SubText(alias["AliasName"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Key_policy_lets_cloudwatch_alarms_encrypt()
    {
        var statement = KeyStatementFor(p => (string?)p["Service"] == "cloudwatch.amazonaws.com");
        AssertAllowsEnvelopeEncryption(statement);
    }

    [Fact]
    public void Cloudwatch_may_use_the_key_only_for_this_stacks_alarms_in_this_account()
    {
        var condition = KeyStatementFor(p => (string?)p["Service"] == "cloudwatch.amazonaws.com")["Condition"]!;
        Assert.True(IsRef(condition["StringEquals"]!["aws:SourceAccount"], "AWS::AccountId"));
        var sourceArn = SubText(condition["ArnLike"]!["aws:SourceArn"])!;
        const string alarmPrefix = "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:";
        Assert.StartsWith(alarmPrefix, sourceArn, StringComparison.Ordinal);

        // Every alarm of the stack must match, or its notifications would be dropped for want of the key.
        var pattern = new System.Text.RegularExpressions.Regex(
            "^" + System.Text.RegularExpressions.Regex.Escape(sourceArn.Substring(alarmPrefix.Length)).Replace("\\*", ".*", StringComparison.Ordinal) + "$");
        var alarmNames = _template.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => SubText(a.Value["Properties"]!["AlarmName"])!).ToList();
        Assert.NotEmpty(alarmNames);
        Assert.All(alarmNames, name => Assert.Matches(pattern, name));
    }

    [Fact]
    public void The_processor_role_gets_the_key_through_its_iam_policy_which_the_key_policy_delegates_to_the_account()
    {
        // The account statement (kms:* for the account root) is what lets an IAM policy grant the key; the processor's
        // managed policy grants Decrypt and GenerateDataKey through SNS only (ProcessorPermissionsTests).
        var statements = _template.Properties("AlertsKey")["KeyPolicy"]!["Statement"]!.AsArray();
        Assert.DoesNotContain(statements, s => Descendants(s).Any(n => n.ToJsonString().Contains("OrderProcessorLambdaRole", StringComparison.Ordinal)));
        KeyStatementFor(p => SubText(p["AWS"]) == "arn:${AWS::Partition}:iam::${AWS::AccountId}:root");
    }

    [Fact]
    public void Key_policy_keeps_the_account_able_to_administer_the_key()
    {
        var statement = KeyStatementFor(p => SubText(p["AWS"]) == "arn:${AWS::Partition}:iam::${AWS::AccountId}:root");
        Assert.Equal("kms:*", (string?)statement["Action"]);
    }

    [Fact]
    public void Alert_email_is_optional_and_subscribes_when_given()
    {
        var email = _template.Parameters["AlertEmail"]!;
        Assert.Equal(string.Empty, (string?)email["Default"]);

        var subscription = _template.Resource("AlertEmailSubscription");
        var not = _template.Conditions[(string)subscription["Condition"]!]!["Fn::Not"]!.AsArray();
        var equals = Assert.Single(not)!["Fn::Equals"]!.AsArray();
        Assert.True(IsRef(equals[0], "AlertEmail"));
        Assert.Equal(string.Empty, (string?)equals[1]);

        var properties = subscription["Properties"]!;
        Assert.Equal("email", (string?)properties["Protocol"]);
        Assert.True(IsRef(properties["Endpoint"], "AlertEmail"));
        Assert.True(IsRef(properties["TopicArn"], "OrderAlertsTopic"));
    }

    private JsonNode KeyStatementFor(Func<JsonObject, bool> principal)
    {
        var statements = _template.Properties("AlertsKey")["KeyPolicy"]!["Statement"]!.AsArray();
        return Assert.Single(statements, s => (string?)s!["Effect"] == "Allow" && s["Principal"] is JsonObject p && principal(p))!;
    }

    private static void AssertAllowsEnvelopeEncryption(JsonNode statement)
    {
        var actions = OneOrMany(statement["Action"]).Select(a => (string?)a).ToList();
        Assert.Contains("kms:Decrypt", actions);
        Assert.Contains("kms:GenerateDataKey*", actions);
        Assert.DoesNotContain("kms:*", actions);
    }
}
