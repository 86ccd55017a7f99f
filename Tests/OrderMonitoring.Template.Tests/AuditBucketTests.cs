using System.Text.Json.Nodes;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>The audit bucket: a name no other account holds, no ACLs, TLS only, and data that outlives the stack.</summary>
public sealed class AuditBucketTests
{
    /// <summary>Every reference to the bucket: the stack's own bucket, or the kept one by its fixed name (AuditBucketSource=Existing).</summary>
    internal const string NameJson = """{"Fn::If":["CreatesAuditBucket",{"Ref":"AuditLogsBucket"},{"Fn::Sub":"order-audit-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"}]}""";

    internal const string ArnJson = """{"Fn::If":["CreatesAuditBucket",{"Fn::GetAtt":["AuditLogsBucket","Arn"]},{"Fn::Sub":"arn:${AWS::Partition}:s3:::order-audit-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"}]}""";

    internal const string ObjectsArnJson = """{"Fn::Sub":["${BucketArn}/*",{"BucketArn":{"Fn::If":["CreatesAuditBucket",{"Fn::GetAtt":["AuditLogsBucket","Arn"]},{"Fn::Sub":"arn:${AWS::Partition}:s3:::order-audit-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"}]}}]}""";

    private readonly OrderMonitoringTemplate _template = Load();

    [Fact]
    public void A_kept_bucket_is_used_by_name_instead_of_created_and_keeps_its_policy()
    {
        Assert.Equal(["Existing", "New"], _template.Parameters["AuditBucketSource"]!["AllowedValues"]!.AsArray().Select(v => (string)v!).Order());
        Assert.Equal("New", (string?)_template.Parameters["AuditBucketSource"]!["Default"]);
        Assert.Equal("CreatesAuditBucket", (string?)_template.Resource("AuditLogsBucket")["Condition"]);
        var policy = _template.Resource("AuditLogsBucketPolicy");
        // Creating a bucket policy on a bucket that has one fails ("already exists"), so the kept bucket keeps the one it has.
        Assert.Equal("CreatesAuditBucket", (string?)policy["Condition"]);
        Assert.Equal("Retain", (string?)policy["DeletionPolicy"]);
        Assert.Equal("Retain", (string?)policy["UpdateReplacePolicy"]);
        // Nothing outside the bucket and its policy names the conditional resource directly.
        foreach (var (logicalId, resource) in _template.Resources.Where(r => r.Key is not "AuditLogsBucket" and not "AuditLogsBucketPolicy"))
        {
            var text = resource!.ToJsonString().Replace(NameJson, "").Replace(ArnJson, "");
            Assert.DoesNotContain("AuditLogsBucket", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Objects_move_to_glacier_instant_retrieval_readable_without_a_restore()
    {
        var rules = _template.Properties("AuditLogsBucket")["LifecycleConfiguration"]!["Rules"]!.AsArray();
        var classes = rules.SelectMany(r => (r!["Transitions"]?.AsArray() ?? []).Concat(r["NoncurrentVersionTransitions"]?.AsArray() ?? []))
            .Select(t => (string?)t!["StorageClass"]).ToList();
        Assert.NotEmpty(classes);
        Assert.All(classes, c => Assert.Equal("GLACIER_IR", c));
    }

    [Fact]
    public void Name_is_unique_per_account_and_region()
    {
        var name = SubText(_template.Properties("AuditLogsBucket")["BucketName"]);
        Assert.Equal("order-audit-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}", name);
    }

    [Fact]
    public void Acls_are_off()
    {
        var rule = Assert.Single(_template.Properties("AuditLogsBucket")["OwnershipControls"]!["Rules"]!.AsArray())!;
        Assert.Equal("BucketOwnerEnforced", (string?)rule["ObjectOwnership"]);
    }

    [Fact]
    public void Audit_data_is_retained_when_the_stack_goes_or_replaces_the_bucket()
    {
        var bucket = _template.Resource("AuditLogsBucket");
        Assert.Equal("Retain", (string?)bucket["DeletionPolicy"]);
        Assert.Equal("Retain", (string?)bucket["UpdateReplacePolicy"]);
    }

    [Fact]
    public void Bucket_policy_denies_every_request_without_tls_on_bucket_and_objects()
    {
        var policy = _template.ResourcesOfType("AWS::S3::BucketPolicy").Single(p => IsRef(p.Value["Properties"]!["Bucket"], "AuditLogsBucket")).Value;
        var statements = policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray();
        var deny = Assert.Single(statements, s => (string?)s!["Sid"] == "DenyInsecureTransport")!;
        Assert.Equal("Deny", (string?)deny["Effect"]);
        Assert.Equal("*", (string?)deny["Principal"]);
        Assert.Equal("s3:*", (string?)deny["Action"]);
        Assert.Equal("false", (string?)deny["Condition"]!["Bool"]!["aws:SecureTransport"]);
        var resources = OneOrMany(deny["Resource"]);
        Assert.Contains(resources, r => IsGetAtt(r, "AuditLogsBucket", "Arn"));
        Assert.Contains(resources, r => SubText(r) == "${AuditLogsBucket.Arn}/*");
    }

    [Fact]
    public void Bucket_policy_refuses_writes_asking_for_an_encryption_other_than_the_default()
    {
        // A write without the header gets the bucket's AES256 default; one asking for anything else (a key the readers
        // of the audit trail cannot use) is refused, as on the failed-batches bucket.
        var policy = _template.ResourcesOfType("AWS::S3::BucketPolicy").Single(p => IsRef(p.Value["Properties"]!["Bucket"], "AuditLogsBucket")).Value;
        var statements = policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray();
        var deny = Assert.Single(statements, s => (string?)s!["Sid"] == "DenyEncryptionOtherThanTheBucketDefault")!;
        Assert.Equal(("Deny", "*", "s3:PutObject"), ((string?)deny["Effect"], (string?)deny["Principal"], (string?)deny["Action"]));
        Assert.Equal("${AuditLogsBucket.Arn}/*", SubText(deny["Resource"]));
        Assert.Equal("AES256", (string?)deny["Condition"]!["StringNotEquals"]!["s3:x-amz-server-side-encryption"]);
        Assert.Equal("false", (string?)deny["Condition"]!["Null"]!["s3:x-amz-server-side-encryption"]);
        Assert.Equal("AES256", (string?)_template.Properties("AuditLogsBucket")["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]);
        Assert.DoesNotContain(statements, s => (string?)s!["Effect"] == "Allow");
    }

    [Fact]
    public void Noncurrent_versions_have_a_lifecycle_too()
    {
        var rules = _template.Properties("AuditLogsBucket")["LifecycleConfiguration"]!["Rules"]!.AsArray();
        Assert.Contains(rules, r => (string?)r!["Status"] == "Enabled"
            && (r["NoncurrentVersionTransitions"] is JsonArray { Count: > 0 } || r["NoncurrentVersionExpiration"] is JsonObject));
    }

    [Fact]
    public void Object_lock_is_off_by_default_and_a_parameter_pair_turns_it_on()
    {
        var mode = _template.Root["Parameters"]!["AuditObjectLockMode"]!;
        var days = _template.Root["Parameters"]!["AuditObjectLockDays"]!;
        Assert.Equal("None", (string?)mode["Default"]);
        Assert.Equal(["None", "GOVERNANCE", "COMPLIANCE"], mode["AllowedValues"]!.AsArray().Select(v => (string?)v));
        Assert.Contains("cannot be turned off", (string?)mode["Description"], StringComparison.Ordinal);
        Assert.Equal(("Number", 1), ((string?)days["Type"], (int)days["MinValue"]!));

        var condition = _template.Root["Conditions"]!["UseAuditObjectLock"]!.ToJsonString();
        Assert.Equal("""{"Fn::Not":[{"Fn::Equals":[{"Ref":"AuditObjectLockMode"},"None"]}]}""", condition);
    }

    [Fact]
    public void With_object_lock_the_bucket_keeps_every_version_for_the_given_mode_and_days()
    {
        var bucket = _template.Properties("AuditLogsBucket");
        Assert.Equal("Enabled", (string?)bucket["VersioningConfiguration"]!["Status"]);
        Assert.Equal("""{"Fn::If":["UseAuditObjectLock",true,{"Ref":"AWS::NoValue"}]}""", bucket["ObjectLockEnabled"]!.ToJsonString());
        var configuration = bucket["ObjectLockConfiguration"]!["Fn::If"]!.AsArray();
        Assert.Equal("UseAuditObjectLock", (string?)configuration[0]);
        Assert.Equal("""{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":{"Ref":"AuditObjectLockMode"},"Days":{"Ref":"AuditObjectLockDays"}}}}""",
            configuration[1]!.ToJsonString());
        Assert.Equal("""{"Ref":"AWS::NoValue"}""", configuration[2]!.ToJsonString());
    }
}
