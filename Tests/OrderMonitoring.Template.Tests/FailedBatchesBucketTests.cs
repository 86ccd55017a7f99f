using System.Text.Json.Nodes;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>
/// Where Lambda keeps stream batches it gave up on (the event source mapping's S3 on-failure destination): the whole
/// invocation record, in a bucket that outlives the stack, is TLS-only and encrypted, and alerts when one arrives.
/// </summary>
public sealed class FailedBatchesBucketTests
{
    private const string BucketName = "order-failed-batches-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}";

    private readonly OrderMonitoringTemplate _template = Load();

    /// <summary>
    /// The branch a reference takes when the stack creates the bucket (FailedBatchesBucketSource=New); the node itself
    /// when it is no such choice.
    /// </summary>
    internal static JsonNode? Created(JsonNode? node) =>
        node?["Fn::If"] is JsonArray { Count: 3 } choice && (string?)choice[0] == "CreatesFailedBatchesBucket" ? choice[1] : node;

    [Fact]
    public void A_kept_bucket_is_referred_to_by_its_fixed_name_everywhere()
    {
        Assert.Equal("CreatesFailedBatchesBucket", (string?)_template.Resource("FailedBatchesBucket")["Condition"]);
        // The bucket's policy exists only with the bucket (like the audit bucket's), so it names the bucket directly.
        Assert.Equal("CreatesFailedBatchesBucket", (string?)_template.Resource("FailedBatchesBucketPolicy")["Condition"]);
        var root = _template.Root.DeepClone().AsObject();
        root["Resources"]!.AsObject().Remove("FailedBatchesBucketPolicy");
        var choices = Descendants(root).OfType<JsonObject>().Where(o => o["Fn::If"] is JsonArray { Count: 3 } c && (string?)c[0] == "CreatesFailedBatchesBucket")
            .Select(o => o["Fn::If"]!.AsArray()).ToList();
        Assert.True(choices.Count >= 4, $"Only {choices.Count} references choose between the created and the kept bucket.");
        Assert.All(choices, choice => Assert.Contains(BucketName, choice[2]!.ToJsonString(), StringComparison.Ordinal));
        Assert.All(choices, choice => Assert.DoesNotContain("FailedBatchesBucket", choice[2]!.ToJsonString(), StringComparison.Ordinal));
        // Outside those choices and the bucket itself, nothing names the bucket's logical id (it does not exist when kept).
        var elsewhere = Descendants(root).OfType<JsonObject>()
            .Where(o => o.Count == 1 && (IsRef(o, "FailedBatchesBucket") || IsGetAtt(o, "FailedBatchesBucket", "Arn") || (SubText(o)?.Contains("${FailedBatchesBucket.", StringComparison.Ordinal) ?? false)))
            .Count();
        Assert.Equal(choices.Count, elsewhere);
    }

    [Fact]
    public void Is_named_per_account_and_region_versioned_aes256_without_acls_or_public_access()
    {
        var bucket = _template.Properties("FailedBatchesBucket");
        Assert.Equal(BucketName, SubText(bucket["BucketName"]));
        Assert.Equal("Enabled", (string?)bucket["VersioningConfiguration"]!["Status"]);
        var encryption = Assert.Single(bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]!.AsArray())!;
        Assert.Equal("AES256", (string?)encryption["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]);
        Assert.Equal("BucketOwnerEnforced", (string?)bucket["OwnershipControls"]!["Rules"]![0]!["ObjectOwnership"]);
        var block = bucket["PublicAccessBlockConfiguration"]!.AsObject();
        Assert.All(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], name => Assert.True((bool)block[name]!));
    }

    [Fact]
    public void Is_retained_when_the_stack_goes_or_replaces_it()
    {
        var bucket = _template.Resource("FailedBatchesBucket");
        Assert.Equal("Retain", (string?)bucket["DeletionPolicy"]);
        Assert.Equal("Retain", (string?)bucket["UpdateReplacePolicy"]);
    }

    [Fact]
    public void Is_the_event_source_mappings_on_failure_destination()
    {
        var destination = _template.Properties("LambdaEventSourceMapping")["DestinationConfig"]!["OnFailure"]!["Destination"];
        Assert.True(IsGetAtt(Created(destination), "FailedBatchesBucket", "Arn"));
    }

    [Fact]
    public void Policy_denies_requests_without_tls_and_writes_asking_for_other_encryption()
    {
        var statements = Policy();
        var tls = Assert.Single(statements, s => (string?)s["Sid"] == "DenyInsecureTransport");
        Assert.Equal(("Deny", "*", "s3:*"), ((string?)tls["Effect"], (string?)tls["Principal"], (string?)tls["Action"]));
        Assert.Equal("false", (string?)tls["Condition"]!["Bool"]!["aws:SecureTransport"]);
        var resources = OneOrMany(tls["Resource"]);
        Assert.Contains(resources, r => IsGetAtt(Created(r), "FailedBatchesBucket", "Arn"));
        Assert.Contains(resources, r => SubText(Created(r)) == "${FailedBatchesBucket.Arn}/*");

        // A write without the header gets the bucket's AES256 default; one asking for anything else is refused.
        var encryption = Assert.Single(statements, s => (string?)s["Sid"] == "DenyEncryptionOtherThanTheBucketDefault");
        Assert.Equal(("Deny", "*", "s3:PutObject"), ((string?)encryption["Effect"], (string?)encryption["Principal"], (string?)encryption["Action"]));
        Assert.Equal("AES256", (string?)encryption["Condition"]!["StringNotEquals"]!["s3:x-amz-server-side-encryption"]);
        Assert.Equal("false", (string?)encryption["Condition"]!["Null"]!["s3:x-amz-server-side-encryption"]);
        Assert.DoesNotContain(statements, s => (string?)s["Effect"] == "Allow");
    }

    [Fact]
    public void The_processor_role_may_only_put_failure_records_and_list_the_bucket()
    {
        var statements = _template.Properties("OrderProcessorManagedPolicy")["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();
        var onBucket = statements.Where(s => Descendants(s["Resource"]).Any(n => n.ToJsonString().Contains("FailedBatchesBucket", StringComparison.Ordinal))).ToList();
        Assert.Equal(2, onBucket.Count);
        Assert.Contains(onBucket, s => (string?)s["Action"] == "s3:PutObject" && SubText(Created(s["Resource"])) == "${FailedBatchesBucket.Arn}/aws/lambda/*");
        Assert.Contains(onBucket, s => (string?)s["Action"] == "s3:ListBucket" && IsGetAtt(Created(s["Resource"]), "FailedBatchesBucket", "Arn"));
        Assert.DoesNotContain(statements, s => OneOrMany(s["Action"]).Any(a => ((string?)a)?.StartsWith("sqs:", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void An_arriving_failure_record_is_published_to_the_alerts_topic()
    {
        var bucket = _template.Resource("FailedBatchesBucket");
        var topic = Assert.Single(bucket["Properties"]!["NotificationConfiguration"]!["TopicConfigurations"]!.AsArray())!;
        Assert.True(IsRef(topic["Topic"], "OrderAlertsTopic"));
        Assert.Equal("s3:ObjectCreated:*", (string?)topic["Event"]);
        var rule = Assert.Single(topic["Filter"]!["S3Key"]!["Rules"]!.AsArray())!;
        Assert.Equal(("prefix", "aws/lambda/"), ((string?)rule["Name"], (string?)rule["Value"]));
        // S3 checks it may publish when the notification is configured: the topic policy must exist first.
        Assert.Contains("FailedBatchesTopicPolicy", OneOrMany(bucket["DependsOn"]).Select(d => (string?)d));
    }

    [Fact]
    public void Only_this_bucket_of_this_account_may_publish_through_the_topic_policy_and_the_key()
    {
        var bucketArn = "arn:${AWS::Partition}:s3:::" + BucketName;
        var topicPolicy = _template.Properties("FailedBatchesTopicPolicy");
        Assert.True(IsRef(Assert.Single(topicPolicy["Topics"]!.AsArray()), "OrderAlertsTopic"));
        var statements = topicPolicy["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();
        var s3 = Assert.Single(statements, s => (string?)s["Principal"]!["Service"] == "s3.amazonaws.com");
        Assert.Equal("sns:Publish", (string?)s3["Action"]);
        Assert.Equal(bucketArn, SubText(s3["Condition"]!["ArnEquals"]!["aws:SourceArn"]));
        Assert.True(IsRef(s3["Condition"]!["StringEquals"]!["aws:SourceAccount"], "AWS::AccountId"));
        // A topic policy replaces the default one: the alarms' own publishing must stay allowed.
        Assert.Contains(statements, s => (string?)s["Principal"]!["Service"] == "cloudwatch.amazonaws.com" && (string?)s["Action"] == "sns:Publish");

        var key = _template.Properties("AlertsKey")["KeyPolicy"]!["Statement"]!.AsArray().Select(s => s!.AsObject())
            .Single(s => (string?)s["Principal"]!["Service"] == "s3.amazonaws.com");
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey*"], key["Action"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(bucketArn, SubText(key["Condition"]!["ArnEquals"]!["aws:SourceArn"]));
    }

    private List<JsonObject> Policy()
    {
        var policy = _template.ResourcesOfType("AWS::S3::BucketPolicy").Single(p => IsRef(Created(p.Value["Properties"]!["Bucket"]), "FailedBatchesBucket")).Value;
        return policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();
    }
}
