using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>The processor's log group is encrypted with a key of its own that CloudWatch Logs may use for that log group only.</summary>
public sealed class ProcessorLogGroupTests
{
    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void Log_group_is_encrypted_with_the_processor_logs_key()
    {
        Assert.True(IsGetAtt(_template.Properties("LambdaLogGroup")["KmsKeyId"], "ProcessorLogsKey", "Arn"));
        var key = _template.Properties("ProcessorLogsKey");
        Assert.True((bool)key["EnableKeyRotation"]!);
    }

    [Fact]
    public void Cloudwatch_logs_may_use_the_key_for_this_log_group_only()
    {
        var statements = _template.Properties("ProcessorLogsKey")["KeyPolicy"]!["Statement"]!.AsArray();
        var logs = Assert.Single(statements, s => s!["Principal"]?["Service"] is not null)!;
        Assert.Equal("logs.${AWS::Region}.${AWS::URLSuffix}", SubText(logs["Principal"]!["Service"]));
        var actions = OneOrMany(logs["Action"]).Select(a => (string?)a).ToList();
        Assert.Contains("kms:Encrypt*", actions);
        Assert.Contains("kms:GenerateDataKey*", actions);
        Assert.DoesNotContain("kms:*", actions);
        // CloudWatch Logs names the log group in the encryption context of every call it makes with the key.
        var logGroupArn = SubText(logs["Condition"]!["ArnEquals"]!["kms:EncryptionContext:aws:logs:arn"]);
        Assert.Equal("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:" + SubText(_template.Properties("LambdaLogGroup")["LogGroupName"]), logGroupArn);
    }

    [Fact]
    public void The_account_administers_the_key_so_it_can_never_be_locked_out()
    {
        var statements = _template.Properties("ProcessorLogsKey")["KeyPolicy"]!["Statement"]!.AsArray();
        var admin = Assert.Single(statements, s => (string?)s!["Sid"] == "AccountAdministration")!;
        Assert.Equal("arn:${AWS::Partition}:iam::${AWS::AccountId}:root", SubText(admin["Principal"]!["AWS"]));
    }
}
