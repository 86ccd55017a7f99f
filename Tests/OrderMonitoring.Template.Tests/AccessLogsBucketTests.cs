using System.Text.Json.Nodes;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>
/// S3 server access logs record who read, wrote or deleted audit objects and failed batches (PCI DSS 10.2): both data
/// buckets log into one retained, private, TLS-only bucket that only S3's log delivery may write to.
/// </summary>
public sealed class AccessLogsBucketTests
{
    private const string Bucket = "AccessLogsBucket";
    private readonly OrderMonitoringTemplate _template = Load();

    [Theory]
    [InlineData("AuditLogsBucket", "order-audit-logs/")]
    [InlineData("FailedBatchesBucket", "order-failed-batches/")]
    public void Data_bucket_logs_its_requests_into_the_access_logs_bucket(string dataBucket, string prefix)
    {
        var logging = _template.Properties(dataBucket)["LoggingConfiguration"]!;
        Assert.True(IsRef(logging["DestinationBucketName"], Bucket));
        Assert.Equal(prefix, (string?)logging["LogFilePrefix"]);
    }

    [Fact]
    public void Log_bucket_is_retained_private_versioned_and_encrypted()
    {
        var resource = _template.Resource(Bucket);
        Assert.Equal(("Retain", "Retain"), ((string?)resource["DeletionPolicy"], (string?)resource["UpdateReplacePolicy"]));
        // No fixed name: a redeploy after a removal gets a new log bucket instead of colliding with the kept one.
        var bucket = _template.Properties(Bucket);
        Assert.Null(bucket["BucketName"]);
        Assert.Equal("BucketOwnerEnforced", (string?)bucket["OwnershipControls"]!["Rules"]![0]!["ObjectOwnership"]);
        Assert.Equal("Enabled", (string?)bucket["VersioningConfiguration"]!["Status"]);
        Assert.Equal("AES256", (string?)bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]);
        var block = bucket["PublicAccessBlockConfiguration"]!.AsObject();
        Assert.All(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], name => Assert.True((bool)block[name]!, name));
        Assert.Null(bucket["LoggingConfiguration"]);
    }

    [Fact]
    public void Logs_are_kept_two_years_then_expire_and_old_versions_do_not_pile_up()
    {
        var rules = _template.Properties(Bucket)["LifecycleConfiguration"]!["Rules"]!.AsArray().Select(r => r!).ToList();
        Assert.All(rules, r => Assert.Equal("Enabled", (string?)r["Status"]));
        // PCI DSS 10.7 asks for a year of audit history; two years leave room for an investigation.
        Assert.Contains(rules, r => (int?)r["ExpirationInDays"] == 730);
        Assert.Contains(rules, r => r["NoncurrentVersionExpiration"] is JsonObject);
        Assert.Contains(rules, r => r["AbortIncompleteMultipartUpload"] is JsonObject);
    }

    [Fact]
    public void Policy_denies_requests_without_tls()
    {
        var deny = Assert.Single(Statements(), s => (string?)s["Sid"] == "DenyInsecureTransport");
        Assert.Equal(("Deny", "*", "s3:*"), ((string?)deny["Effect"], (string?)deny["Principal"], (string?)deny["Action"]));
        Assert.Equal("false", (string?)deny["Condition"]!["Bool"]!["aws:SecureTransport"]);
        var resources = OneOrMany(deny["Resource"]);
        Assert.Contains(resources, r => IsGetAtt(r, Bucket, "Arn"));
        Assert.Contains(resources, r => SubText(r) == "${AccessLogsBucket.Arn}/*");
    }

    [Fact]
    public void Only_s3_log_delivery_for_this_stacks_two_data_buckets_may_write()
    {
        var allows = Statements().Where(s => (string?)s["Effect"] == "Allow").ToList();
        var allow = Assert.Single(allows);
        Assert.Equal("logging.s3.amazonaws.com", (string?)allow["Principal"]!["Service"]);
        Assert.Equal("s3:PutObject", (string?)allow["Action"]);
        Assert.Equal(["${AccessLogsBucket.Arn}/order-audit-logs/*", "${AccessLogsBucket.Arn}/order-failed-batches/*"], OneOrMany(allow["Resource"]).Select(SubText));
        Assert.True(IsRef(allow["Condition"]!["StringEquals"]!["aws:SourceAccount"], "AWS::AccountId"));
        Assert.Equal(
            ["arn:${AWS::Partition}:s3:::order-audit-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}",
             "arn:${AWS::Partition}:s3:::order-failed-batches-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"],
            OneOrMany(allow["Condition"]!["ArnLike"]!["aws:SourceArn"]).Select(SubText));
    }

    [Fact]
    public void The_stack_names_the_log_bucket()
    {
        Assert.True(IsRef(_template.Outputs["AccessLogsBucketName"]!["Value"], Bucket));
    }

    private List<JsonObject> Statements()
    {
        var policy = _template.ResourcesOfType("AWS::S3::BucketPolicy").Single(p => IsRef(p.Value["Properties"]!["Bucket"], Bucket));
        Assert.Equal(("Retain", "Retain"), ((string?)policy.Value["DeletionPolicy"], (string?)policy.Value["UpdateReplacePolicy"]));
        return policy.Value["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();
    }
}
