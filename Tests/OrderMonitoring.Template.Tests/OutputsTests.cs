using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>Outputs the module reads after a deployment: each names the right thing and is exported under the stack's name.</summary>
public sealed class OutputsTests
{
    private readonly OrderMonitoringTemplate _template = Load();

    public static TheoryData<string, string> OutputValues => new()
    {
        { "OrderEventsTableName", OrderTableTests.NameJson },
        { "OrderEventsTableArn", OrderTableTests.ArnJson },
        { "OrderEventsTableStreamArn", OrderTableTests.StreamArnJson },
        { "AuditLogsBucketName", AuditBucketTests.NameJson },
        { "AuditLogsBucketArn", AuditBucketTests.ArnJson },
        { "OrderProcessorLambdaName", """{"Ref":"OrderProcessorLambda"}""" },
        { "OrderProcessorLambdaArn", """{"Fn::GetAtt":["OrderProcessorLambda","Arn"]}""" },
        { "OrderAlertsTopicArn", """{"Ref":"OrderAlertsTopic"}""" },
        { "OperationsTopicArn", """{"Ref":"OperationsTopic"}""" },
        { "AccessLogsBucketName", """{"Ref":"AccessLogsBucket"}""" },
        { "LambdaErrorAlarmName", """{"Ref":"LambdaErrorAlarm"}""" },
        { "StackName", """{"Ref":"AWS::StackName"}""" },
        { "EnvironmentSuffix", """{"Ref":"EnvironmentSuffix"}""" },
        { "FailureQueueUrl", """{"Ref":"FailureQueue"}""" },
        { "FailureQueueArn", """{"Fn::GetAtt":["FailureQueue","Arn"]}""" },
        { "FailedBatchesBucketName", """{"Fn::If":["CreatesFailedBatchesBucket",{"Ref":"FailedBatchesBucket"},{"Fn::Sub":"order-failed-batches-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"}]}""" },
        { "AlertsKeyArn", """{"Fn::GetAtt":["AlertsKey","Arn"]}""" },
        { "DashboardName", """{"Ref":"MonitoringDashboard"}""" },
        { "ProcessorTrigger", """{"Ref":"ProcessorTrigger"}""" },
        { "DigestSigningKeyArn", """{"Fn::If":["CreatesDigestSigningKey",{"Fn::GetAtt":["DigestSigningKey","Arn"]},{"Ref":"DigestSigningKeyArn"}]}""" },
        { "RepairSigningKeyArn", """{"Fn::If":["CreatesRepairSigningKey",{"Fn::GetAtt":["RepairSigningKey","Arn"]},{"Ref":"RepairSigningKeyArn"}]}""" },
        // The rule's name: a verifier treats a stack with this output as one that seals (no seal in time is then a finding).
        { "DigestSealSchedule", """{"Ref":"DigestSealSchedule"}""" },
    };

    [Theory]
    [MemberData(nameof(OutputValues))]
    public void Output_has_its_value(string outputName, string value) =>
        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(value)!.ToJsonString(), _template.Outputs[outputName]?["Value"]?.ToJsonString());

    [Fact]
    public void Outputs_are_exactly_the_seed_eleven_and_the_nine_new_ones()
    {
        var expected = OutputValues.Select(row => (string)row[0]).Order();
        Assert.Equal(expected, _template.Outputs.Select(o => o.Key).Order());
    }

    [Theory]
    [InlineData("FailureQueueUrl")]
    [InlineData("FailureQueueArn")]
    [InlineData("FailedBatchesBucketName")]
    [InlineData("AlertsKeyArn")]
    [InlineData("DashboardName")]
    [InlineData("ProcessorTrigger")]
    [InlineData("OperationsTopicArn")]
    [InlineData("AccessLogsBucketName")]
    [InlineData("DigestSealSchedule")]
    public void New_output_is_exported_under_the_stack_name(string outputName) =>
        Assert.Equal("${AWS::StackName}-" + outputName, SubText(_template.Outputs[outputName]!["Export"]!["Name"]));

    [Fact]
    public void Template_fits_a_template_body_without_an_s3_upload()
    {
        // CreateStack/CreateChangeSet take a TemplateBody of at most 51,200 bytes; -WhatIf sends the template without
        // its indentation (StackDeployer's TemplateBody), so that is what must fit, with room for what comes next.
        var compact = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(File.ReadAllText(TemplatePath)).RootElement,
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(compact), 1, 51_200);
    }
}
