using System.Text.Json.Nodes;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>What the seed's template got right must survive the rewrite: names, purposes, data settings, outputs and exports.</summary>
public sealed class SeedPreservationTests
{
    private readonly OrderMonitoringTemplate _template = Load();

    public static TheoryData<string, string> SeedResources => new()
    {
        { "OrderEventsTable", "AWS::DynamoDB::Table" },
        { "AuditLogsBucket", "AWS::S3::Bucket" },
        { "OrderAlertsTopic", "AWS::SNS::Topic" },
        { "OrderProcessorLambdaRole", "AWS::IAM::Role" },
        { "OrderProcessorLambda", "AWS::Lambda::Function" },
        { "LambdaEventSourceMapping", "AWS::Lambda::EventSourceMapping" },
        { "LambdaErrorAlarm", "AWS::CloudWatch::Alarm" },
        { "LambdaLogGroup", "AWS::Logs::LogGroup" },
    };

    // The seed's eleven outputs; null means the seed exported nothing for it.
    public static TheoryData<string, string?> SeedOutputs => new()
    {
        { "OrderEventsTableName", "OrderEventsTableName" },
        { "OrderEventsTableArn", "OrderEventsTableArn" },
        { "OrderEventsTableStreamArn", "OrderEventsTableStreamArn" },
        { "AuditLogsBucketName", "AuditLogsBucketName" },
        { "AuditLogsBucketArn", "AuditLogsBucketArn" },
        { "OrderProcessorLambdaName", "OrderProcessorLambdaName" },
        { "OrderProcessorLambdaArn", "OrderProcessorLambdaArn" },
        { "OrderAlertsTopicArn", "OrderAlertsTopicArn" },
        { "LambdaErrorAlarmName", "LambdaErrorAlarmName" },
        { "StackName", null },
        { "EnvironmentSuffix", null },
    };

    [Theory]
    [MemberData(nameof(SeedResources))]
    public void Seed_resource_keeps_its_logical_id_and_type(string logicalId, string type) =>
        Assert.Equal(type, _template.TypeOf(logicalId));

    [Theory]
    [InlineData("OrderEventsTable", "order-events-${EnvironmentSuffix}", "TableName")]
    [InlineData("OrderAlertsTopic", "order-alerts-${EnvironmentSuffix}", "TopicName")]
    [InlineData("OrderProcessorLambda", "order-processor-${EnvironmentSuffix}", "FunctionName")]
    [InlineData("LambdaErrorAlarm", "order-processor-errors-${EnvironmentSuffix}", "AlarmName")]
    [InlineData("LambdaLogGroup", "/aws/lambda/order-processor-${EnvironmentSuffix}", "LogGroupName")]
    public void Seed_resource_keeps_its_name(string logicalId, string name, string property) =>
        Assert.Equal(name, SubText(_template.Properties(logicalId)[property]));

    [Fact]
    public void Role_name_keeps_the_seed_name_as_its_prefix()
    {
        // IAM is account-wide, so the region follows the seed's name (see AccountWideNameTests).
        Assert.StartsWith("order-processor-lambda-role-${EnvironmentSuffix}-", SubText(_template.Properties("OrderProcessorLambdaRole")["RoleName"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_suffix_parameter_keeps_the_seed_default_and_allows_only_what_the_bucket_name_can_carry()
    {
        var suffix = _template.Parameters["EnvironmentSuffix"]!;
        Assert.Equal("String", (string?)suffix["Type"]);
        Assert.Equal("dev", (string?)suffix["Default"]);
        // S3 bucket names are lower-case; the longest retained bucket name, order-failed-batches-<suffix>-<12-digit
        // account>-<region>, must fit 63 characters in the region with the longest name (14 characters, e.g. ap-southeast-1).
        Assert.Equal("^[a-z0-9]+$", (string?)suffix["AllowedPattern"]);
        Assert.Equal(63 - "order-failed-batches-".Length - 12 - "ap-southeast-1".Length - 2, (int?)suffix["MaxLength"]);
    }

    [Theory]
    [InlineData("OrderEventsTable")]
    [InlineData("AuditLogsBucket")]
    [InlineData("OrderAlertsTopic")]
    [InlineData("OrderProcessorLambdaRole")]
    [InlineData("OrderProcessorLambda")]
    public void Seed_tags_are_kept(string logicalId)
    {
        var tags = _template.Properties(logicalId)["Tags"]!.AsArray();
        Assert.Contains(tags, t => (string?)t!["Key"] == "Environment" && IsRef(t["Value"], "EnvironmentSuffix"));
        Assert.Contains(tags, t => (string?)t!["Key"] == "Purpose" && (string?)t["Value"] == "OrderProcessingMonitoring");
    }

    [Fact]
    public void Table_keeps_keys_index_billing_stream_and_recovery()
    {
        var table = _template.Properties("OrderEventsTable");
        Assert.Equal("[{\"AttributeName\":\"orderId\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"timestamp\",\"KeyType\":\"RANGE\"}]",
            table["KeySchema"]!.ToJsonString());
        var attributes = table["AttributeDefinitions"]!.AsArray().ToDictionary(a => (string)a!["AttributeName"]!, a => (string)a!["AttributeType"]!);
        Assert.Equal(new Dictionary<string, string> { ["orderId"] = "S", ["timestamp"] = "N", ["status"] = "S" }, attributes);

        var index = Assert.Single(table["GlobalSecondaryIndexes"]!.AsArray())!;
        Assert.Equal("status-timestamp-index", (string?)index["IndexName"]);
        Assert.Equal("[{\"AttributeName\":\"status\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"timestamp\",\"KeyType\":\"RANGE\"}]",
            index["KeySchema"]!.ToJsonString());
        Assert.Equal("ALL", (string?)index["Projection"]!["ProjectionType"]);

        Assert.Equal("PAY_PER_REQUEST", (string?)table["BillingMode"]);
        Assert.Equal("NEW_AND_OLD_IMAGES", (string?)table["StreamSpecification"]!["StreamViewType"]);
        Assert.True((bool)table["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!);
    }

    [Fact]
    public void Bucket_keeps_versioning_encryption_public_access_block_and_an_archive_tier_after_90_days()
    {
        var bucket = _template.Properties("AuditLogsBucket");
        Assert.Equal("Enabled", (string?)bucket["VersioningConfiguration"]!["Status"]);
        var encryption = Assert.Single(bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]!.AsArray())!;
        Assert.Equal("AES256", (string?)encryption["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]);

        var block = bucket["PublicAccessBlockConfiguration"]!.AsObject();
        foreach (var setting in new[] { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" })
        {
            Assert.True((bool)block[setting]!, setting);
        }

        var rules = bucket["LifecycleConfiguration"]!["Rules"]!.AsArray();
        Assert.Contains(rules, r => (string?)r!["Status"] == "Enabled" && r["Transitions"] is JsonArray transitions
            && transitions.Any(t => (int?)t!["TransitionInDays"] == 90 && (string?)t["StorageClass"] == "GLACIER_IR"));
    }

    [Fact]
    public void Log_group_retention_is_a_parameter_that_keeps_a_year_unless_told_otherwise()
    {
        // The seed kept 7 days; PCI DSS asks for a year of audit history, so the default is 365 and the operator decides.
        Assert.True(IsRef(_template.Properties("LambdaLogGroup")["RetentionInDays"], "ProcessorLogRetentionDays"));
        var parameter = _template.Parameters["ProcessorLogRetentionDays"]!;
        Assert.Equal(365, (int?)parameter["Default"]);
        Assert.Contains(7, parameter["AllowedValues"]!.AsArray().Select(v => (int)v!));
    }

    [Fact]
    public void Stream_trigger_can_still_run_with_the_seeds_batch_size_10_and_5_second_window()
    {
        // Batching became parameters (throughput); the seed's values stay deployable.
        var mapping = _template.Properties("LambdaEventSourceMapping");
        Assert.True(IsRef(mapping["BatchSize"], "StreamBatchSize"));
        Assert.True(IsRef(mapping["MaximumBatchingWindowInSeconds"], "StreamMaximumBatchingWindowInSeconds"));
        Assert.InRange(10, (int)_template.Parameters["StreamBatchSize"]!["MinValue"]!, (int)_template.Parameters["StreamBatchSize"]!["MaxValue"]!);
        Assert.InRange(5, (int)_template.Parameters["StreamMaximumBatchingWindowInSeconds"]!["MinValue"]!,
            (int)_template.Parameters["StreamMaximumBatchingWindowInSeconds"]!["MaxValue"]!);
        Assert.Equal(OrderTableTests.StreamArnJson, mapping["EventSourceArn"]!.ToJsonString());
        Assert.True(IsRef(mapping["FunctionName"], "OrderProcessorLambda"));
    }

    [Theory]
    [MemberData(nameof(SeedOutputs))]
    public void Seed_output_keeps_its_name_and_export(string outputName, string? exportSuffix)
    {
        var output = _template.Outputs[outputName]?.AsObject();
        Assert.NotNull(output);
        Assert.NotNull(output["Value"]);
        if (exportSuffix is null)
        {
            Assert.Null(output["Export"]);
        }
        else
        {
            Assert.Equal("${AWS::StackName}-" + exportSuffix, SubText(output["Export"]!["Name"]));
        }
    }
}
