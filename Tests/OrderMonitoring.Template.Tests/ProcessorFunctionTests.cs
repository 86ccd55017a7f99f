using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>The processor: the .NET 10 build from S3, the settings it reads, JSON logs into a log group the stack owns.</summary>
public sealed class ProcessorFunctionTests
{
    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void Runs_on_dotnet10_with_the_processor_handler_and_512_mb()
    {
        var function = _template.Properties("OrderProcessorLambda");
        Assert.Equal("dotnet10", (string?)function["Runtime"]);
        Assert.Equal("OrderMonitoring.Processor::OrderMonitoring.Processor.Function::HandleAsync", (string?)function["Handler"]);
        Assert.Equal(512, (int?)function["MemorySize"]);
        Assert.True(IsGetAtt(function["Role"], "OrderProcessorLambdaRole", "Arn"));
    }

    [Fact]
    public void Code_comes_from_the_code_bucket_and_key_parameters()
    {
        var code = _template.Properties("OrderProcessorLambda")["Code"]!.AsObject();
        Assert.True(IsRef(code["S3Bucket"], "ProcessorCodeBucket"));
        Assert.True(IsRef(code["S3Key"], "ProcessorCodeKey"));
        Assert.Null(code["ZipFile"]);
        Assert.Equal("String", (string?)_template.Parameters["ProcessorCodeBucket"]!["Type"]);
        Assert.Equal("String", (string?)_template.Parameters["ProcessorCodeKey"]!["Type"]);
        // No defaults: a deployment must say which build it ships.
        Assert.Null(_template.Parameters["ProcessorCodeBucket"]!["Default"]);
        Assert.Null(_template.Parameters["ProcessorCodeKey"]!["Default"]);
    }

    [Fact]
    public void Code_is_pinned_to_the_object_version_the_deployment_names()
    {
        // A later write to the key (by anyone who can write to the bucket) cannot change what an update or a rollback runs.
        var code = _template.Properties("OrderProcessorLambda")["Code"]!.AsObject();
        Assert.True(IsRef(code["S3ObjectVersion"], "ProcessorCodeVersion"));
        var version = _template.Parameters["ProcessorCodeVersion"]!;
        Assert.Equal("String", (string?)version["Type"]);
        Assert.Null(version["Default"]); // required: the template never runs an unpinned zip
        Assert.Equal(1, (int?)version["MinLength"]);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:code-signing-config:csc-0123456789abcdefg", true)]
    [InlineData("arn:aws-cn:lambda:cn-north-1:123456789012:code-signing-config:csc-0123456789abcdefg", true)]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:order-processor-dev", false)]
    [InlineData("csc-0123456789abcdefg", false)]
    public void A_code_signing_configuration_is_optional_and_passed_to_the_function(string value, bool allowed)
    {
        // AWS Signer and Lambda code signing are not emulated here: this is checked on the template only.
        var parameter = _template.Parameters["CodeSigningConfigArn"]!;
        Assert.Equal("", (string?)parameter["Default"]);
        Assert.Equal(allowed, System.Text.RegularExpressions.Regex.IsMatch(value, (string)parameter["AllowedPattern"]!));
        var property = _template.Properties("OrderProcessorLambda")["CodeSigningConfigArn"]!["Fn::If"]!.AsArray();
        Assert.Equal("HasCodeSigningConfig", (string?)property[0]);
        Assert.True(IsRef(property[1], "CodeSigningConfigArn"));
        Assert.True(IsRef(property[2], "AWS::NoValue"));
        var condition = _template.Conditions["HasCodeSigningConfig"]!.ToJsonString();
        Assert.Equal("{\"Fn::Not\":[{\"Fn::Equals\":[{\"Ref\":\"CodeSigningConfigArn\"},\"\"]}]}", condition);
    }

    [Fact]
    public void Environment_carries_every_setting_the_processor_reads()
    {
        var variables = _template.Properties("OrderProcessorLambda")["Environment"]!["Variables"]!.AsObject();
        Assert.Equal(
            ["ALERT_DETAIL", "AUDIT_BUCKET_NAME", "AWS_LAMBDA_HANDLER_LOG_FORMAT", "DIGEST_SEAL_INTERVAL_MINUTES", "DIGEST_SIGNING_KEY_ID", "ENVIRONMENT_SUFFIX", "FUNCTION_TIMEOUT_SECONDS", "LOG_LEVEL", "MAX_CONCURRENCY", "SNS_TOPIC_ARN"],
            variables.Select(v => v.Key).Order());
        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(AuditBucketTests.NameJson)!.ToJsonString(), variables["AUDIT_BUCKET_NAME"]!.ToJsonString());
        Assert.True(IsRef(variables["SNS_TOPIC_ARN"], "OrderAlertsTopic"));
        Assert.True(IsRef(variables["ENVIRONMENT_SUFFIX"], "EnvironmentSuffix"));
        Assert.False(string.IsNullOrWhiteSpace((string?)variables["LOG_LEVEL"]));
        Assert.True(int.TryParse((string?)variables["MAX_CONCURRENCY"], out var concurrency) && concurrency > 0);        Assert.True(IsRef(variables["ALERT_DETAIL"], "AlertDetail"));
    }

    [Fact]
    public void Alerts_carry_a_summary_unless_the_stack_asks_for_the_full_record()
    {
        var detail = _template.Parameters["AlertDetail"]!;
        Assert.Equal("Summary", (string?)detail["Default"]);
        Assert.Equal(["Summary", "Full"], detail["AllowedValues"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public void The_processor_is_told_its_own_timeout_so_it_can_finish_before_lambda_ends_it()
    {
        // A Stream-only handler gets no ILambdaContext (no remaining time), so the template passes the Timeout it sets.
        var function = _template.Properties("OrderProcessorLambda");
        var timeout = (int)function["Timeout"]!;
        Assert.Equal(timeout.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)function["Environment"]!["Variables"]!["FUNCTION_TIMEOUT_SECONDS"]);
    }

    [Fact]
    public void Logs_as_json_into_the_stack_log_group_created_before_the_function()
    {
        var function = _template.Resource("OrderProcessorLambda");
        var logging = function["Properties"]!["LoggingConfig"]!;
        Assert.Equal("JSON", (string?)logging["LogFormat"]);
        var logGroupName = SubText(_template.Properties("LambdaLogGroup")["LogGroupName"]);
        Assert.Equal(logGroupName, SubText(logging["LogGroup"]));
        // The name is given as text, not a Ref, so the explicit DependsOn is what orders the creation.
        Assert.Contains("LambdaLogGroup", OneOrMany(function["DependsOn"]).Select(d => (string?)d));
    }

    [Fact]
    public void Processor_lines_reach_cloudwatch_as_written_so_emf_metrics_are_extracted()
    {
        // With LogFormat JSON the .NET runtime wraps every Console line in {"timestamp","level","requestId","message":"<line>"};
        // an EMF document inside "message" is a string, not a root "_aws" member, so CloudWatch extracts no metric and the
        // RecordsFailed/RecordsQuarantined alarms could never fire. The processor already writes one JSON object per line;
        // Unformatted makes the runtime pass those lines through untouched while Lambda's own system logs stay JSON.
        var function = _template.Properties("OrderProcessorLambda");
        Assert.Equal("JSON", (string?)function["LoggingConfig"]!["LogFormat"]);
        Assert.Equal("Unformatted", (string?)function["Environment"]!["Variables"]!["AWS_LAMBDA_HANDLER_LOG_FORMAT"]);
    }

    [Fact]
    public void Function_waits_for_its_permissions()
    {
        var function = _template.Resource("OrderProcessorLambda");
        Assert.Contains("OrderProcessorManagedPolicy", OneOrMany(function["DependsOn"]).Select(d => (string?)d));
    }
}
