using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>
/// The processor's alarms go to an operations topic with a KMS key of its own, so a broken or disabled order-alerts key
/// cannot silence them (and the reverse). Not the AWS managed SNS key: CloudWatch alarms cannot publish to a topic
/// encrypted with it, because its key policy cannot grant cloudwatch.amazonaws.com.
/// </summary>
public sealed class OperationsTopicTests
{
    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void Operations_topic_is_encrypted_with_its_own_customer_managed_key()
    {
        var topic = _template.Properties("OperationsTopic");
        Assert.Equal("order-operations-${EnvironmentSuffix}", SubText(topic["TopicName"]));
        Assert.True(IsRef(topic["KmsMasterKeyId"], "OperationsKey"));
        Assert.True((bool)_template.Properties("OperationsKey")["EnableKeyRotation"]!);
        Assert.DoesNotContain(Descendants(_template.Resource("OperationsTopic")), n => n.ToJsonString().Contains("AlertsKey", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_this_environments_alarms_may_use_the_key_through_cloudwatch()
    {
        var statements = _template.Properties("OperationsKey")["KeyPolicy"]!["Statement"]!.AsArray();
        var cloudWatch = Assert.Single(statements, s => (string?)s!["Principal"]?["Service"] == "cloudwatch.amazonaws.com")!;
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey*"], OneOrMany(cloudWatch["Action"]).Select(a => (string?)a));
        Assert.True(IsRef(cloudWatch["Condition"]!["StringEquals"]!["aws:SourceAccount"], "AWS::AccountId"));
        Assert.Equal("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:order-processor-*-${EnvironmentSuffix}",
            SubText(cloudWatch["Condition"]!["ArnLike"]!["aws:SourceArn"]));
    }

    [Fact]
    public void Topic_policy_lets_cloudwatch_publish_and_refuses_publishing_without_tls()
    {
        var policy = Assert.Single(_template.ResourcesOfType("AWS::SNS::TopicPolicy"), p => IsRef(p.Value["Properties"]!["Topics"]![0], "OperationsTopic")).Value;
        var statements = policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray();
        var allow = Assert.Single(statements, s => (string?)s!["Effect"] == "Allow")!;
        Assert.Equal(("cloudwatch.amazonaws.com", "sns:Publish"), ((string?)allow["Principal"]!["Service"], (string?)allow["Action"]));
        var deny = Assert.Single(statements, s => (string?)s!["Effect"] == "Deny")!;
        Assert.Equal("false", (string?)deny["Condition"]!["Bool"]!["aws:SecureTransport"]);
    }

    [Fact]
    public void The_alert_email_is_subscribed_to_operations_too()
    {
        var subscription = _template.Resource("OperationsEmailSubscription");
        Assert.Equal("HasAlertEmail", (string?)subscription["Condition"]);
        Assert.True(IsRef(subscription["Properties"]!["TopicArn"], "OperationsTopic"));
        Assert.True(IsRef(subscription["Properties"]!["Endpoint"], "AlertEmail"));
        Assert.True(IsRef(_template.Outputs["OperationsTopicArn"]!["Value"], "OperationsTopic"));
    }
}
