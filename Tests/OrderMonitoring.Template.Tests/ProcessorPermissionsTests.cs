using System.Text.Json.Nodes;
using static OrderMonitoring.Template.Tests.OrderMonitoringTemplate;

namespace OrderMonitoring.Template.Tests;

/// <summary>The processor role may do exactly what the processor does, each on the one resource it does it to.</summary>
public sealed class ProcessorPermissionsTests
{
    private const string Role = "OrderProcessorLambdaRole";
    private const string Policy = "OrderProcessorManagedPolicy";
    private readonly OrderMonitoringTemplate _template = Load();

    /// <summary>The digest signing key: the stack's own, or the one DigestSigningKeyArn names.</summary>
    private const string SigningKeyJson = """{"Fn::If":["CreatesDigestSigningKey",{"Fn::GetAtt":["DigestSigningKey","Arn"]},{"Ref":"DigestSigningKeyArn"}]}""";

    public static TheoryData<string, string> ExpectedGrants => new()
    {
        { "dynamodb:DescribeStream", OrderTableTests.StreamArnJson },
        { "dynamodb:GetRecords", OrderTableTests.StreamArnJson },
        { "dynamodb:GetShardIterator", OrderTableTests.StreamArnJson },
        // ListStreams has no resource-level permissions (Service Authorization Reference): a stream ARN grants nothing.
        { "dynamodb:ListStreams", "\"*\"" },
        { "s3:PutObject", AuditBucketTests.ObjectsArnJson.Replace("${BucketArn}/*", "${BucketArn}/orders/*", StringComparison.Ordinal) },
        { "s3:PutObject", AuditBucketTests.ObjectsArnJson.Replace("${BucketArn}/*", "${BucketArn}/quarantine/*", StringComparison.Ordinal) },
        // The audit bucket's fixed name (the same whether the stack created it or kept it): one short line in a template near CloudFormation's size limit.
        { "s3:PutObject", """{"Fn::Sub":"arn:${AWS::Partition}:s3:::order-audit-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}/digests/*"}""" },
        // Seals: read digests and seals, list only their folders (see The_processor_lists_only_the_digest_and_seal_folders), write seals.
        { "s3:PutObject", """{"Fn::Sub":"arn:${AWS::Partition}:s3:::order-audit-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}/seals/*"}""" },
        { "s3:GetObject", """{"Fn::Sub":"arn:${AWS::Partition}:s3:::order-audit-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}/digests/*"}""" },
        { "s3:GetObject", """{"Fn::Sub":"arn:${AWS::Partition}:s3:::order-audit-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}/seals/*"}""" },
        { "s3:ListBucket", """{"Fn::Sub":"arn:${AWS::Partition}:s3:::order-audit-logs-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"}""" },
        { "kms:Sign", SigningKeyJson },
        { "sns:Publish", """{"Ref":"OrderAlertsTopic"}""" },
        { "kms:Decrypt", """{"Fn::GetAtt":["AlertsKey","Arn"]}""" },
        { "kms:GenerateDataKey", """{"Fn::GetAtt":["AlertsKey","Arn"]}""" },
        // The event source mapping's S3 on-failure destination writes with the function's role: PutObject where Lambda
        // puts failure records (aws/lambda/...) and ListBucket, the two the Lambda developer guide names.
        { "s3:PutObject", """{"Fn::If":["CreatesFailedBatchesBucket",{"Fn::Sub":"${FailedBatchesBucket.Arn}/aws/lambda/*"},{"Fn::Sub":"arn:${AWS::Partition}:s3:::order-failed-batches-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}/aws/lambda/*"}]}""" },
        { "s3:ListBucket", """{"Fn::If":["CreatesFailedBatchesBucket",{"Fn::GetAtt":["FailedBatchesBucket","Arn"]},{"Fn::Sub":"arn:${AWS::Partition}:s3:::order-failed-batches-${EnvironmentSuffix}-${AWS::AccountId}-${AWS::Region}"}]}""" },
        { "logs:CreateLogStream", """{"Fn::GetAtt":["LambdaLogGroup","Arn"]}""" },
        { "logs:PutLogEvents", """{"Fn::GetAtt":["LambdaLogGroup","Arn"]}""" },
    };

    [Fact]
    public void Role_is_assumable_by_lambda_only_and_attaches_only_its_own_managed_policy()
    {
        var role = _template.Properties(Role);
        Assert.True(IsRef(Assert.Single(role["ManagedPolicyArns"]!.AsArray()), Policy));
        var statement = Assert.Single(role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Equal("lambda.amazonaws.com", (string?)statement["Principal"]!["Service"]);
        Assert.Equal("sts:AssumeRole", (string?)statement["Action"]);
    }

    [Fact]
    public void The_permissions_are_one_customer_managed_policy_and_no_inline_policy()
    {
        // PCI DSS 7.x (cdk-nag IAMNoInlinePolicy): a managed policy can be reviewed, versioned and reused on its own.
        Assert.Null(_template.Properties(Role)["Policies"]);
        Assert.Empty(_template.ResourcesOfType("AWS::IAM::Policy"));
        var managed = Assert.Single(_template.ResourcesOfType("AWS::IAM::ManagedPolicy"));
        Assert.Equal(Policy, managed.Key);
        // Attached by the role (ManagedPolicyArns), not by the policy's Roles: the role then depends on the policy, and
        // a stack removal detaches it with the role. No fixed name: CloudFormation's own is unique per stack and region.
        Assert.Null(managed.Value["Properties"]!["Roles"]);
        Assert.Null(managed.Value["Properties"]!["ManagedPolicyName"]);
    }

    [Fact]
    public void Grants_are_exactly_the_processor_calls_on_their_own_resources()
    {
        var granted = Grants().Select(g => (g.Action, g.Resource)).Order().ToList();
        var expected = ExpectedGrants.Select(row => ((string)row[0], JsonNode.Parse((string)row[1])!.ToJsonString())).Order().ToList();
        Assert.Equal(expected, granted);
    }

    [Fact]
    public void The_processor_uses_the_alerts_key_only_through_sns()
    {
        const string ViaSns = """{"Fn::Sub":"sns.${AWS::Region}.${AWS::URLSuffix}"}""";
        var policy = _template.Properties(Policy)["PolicyDocument"]!["Statement"]!.AsArray();
        var keyPolicy = _template.Properties("AlertsKey")["KeyPolicy"]!["Statement"]!.AsArray();
        var grants = policy.Concat(keyPolicy).Where(st => OneOrMany(st!["Action"]).Any(a => ((string?)a)!.StartsWith("kms:Decrypt", StringComparison.Ordinal))
            && st!["Principal"]?["Service"] is null).ToList();
        // The managed policy's grant only: the key policy's account statement lets IAM grant it, and a key-policy
        // statement naming the role would make the role, its policy and the key depend on each other.
        Assert.Single(grants);
        Assert.All(grants, st => Assert.Equal(JsonNode.Parse(ViaSns)!.ToJsonString(), st!["Condition"]?["StringEquals"]?["kms:ViaService"]?.ToJsonString()));
    }

    /// <summary>Actions IAM authorizes only on "*"; scoping them to an ARN silently grants nothing.</summary>
    private static readonly string[] ActionsWithoutResourceLevelPermissions = ["dynamodb:ListStreams"];

    [Fact]
    public void No_statement_uses_a_wildcard_resource_or_acl_action()
    {
        var grants = Grants().ToList();
        Assert.NotEmpty(grants);
        Assert.DoesNotContain(grants, g => g.Resource == "\"*\"" && !ActionsWithoutResourceLevelPermissions.Contains(g.Action));
        Assert.DoesNotContain(grants, g => g.Action.Contains("Acl", StringComparison.Ordinal) || g.Action.EndsWith(":*", StringComparison.Ordinal));
        Assert.DoesNotContain("s3:PutObjectAcl", _template.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("cloudwatch:PutMetricData", _template.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Actions_without_resource_level_permissions_stand_alone_on_every_resource()
    {
        // Mixed into the stream statement, ListStreams on the stream ARN would be a grant that never matches.
        var statement = Assert.Single(Statements(), s => OneOrMany(s["Action"]).Any(a => (string?)a == "dynamodb:ListStreams"));
        Assert.Equal(["dynamodb:ListStreams"], OneOrMany(statement["Action"]).Select(a => (string?)a));
        Assert.Equal("*", (string?)statement["Resource"]);
    }

    [Fact]
    public void The_processor_writes_only_under_the_audit_prefixes_AuditKey_uses()
    {
        // The audit bucket's ARN comes from Fn::Sub's variable map (created or kept bucket); the pattern names the objects.
        var writable = Grants().Where(g => g.Action == "s3:PutObject" && g.Resource.Contains("AuditLogsBucket", StringComparison.Ordinal))
            .Select(g => (string?)JsonNode.Parse(g.Resource)!["Fn::Sub"]![0]).Order(StringComparer.Ordinal);

        var prefixes = new[] { Processor.Audit.AuditKey.OrdersPrefix, Processor.Audit.AuditKey.QuarantinePrefix }.Select(prefix => "${BucketArn}/" + prefix + "*");
        Assert.Equal(prefixes.Order(StringComparer.Ordinal), writable);
        var digests = Assert.Single(Grants(), g => g.Action == "s3:PutObject" && g.Resource.Contains("/" + Processor.Audit.AuditKey.DigestsPrefix, StringComparison.Ordinal));
        Assert.EndsWith("/" + Processor.Audit.AuditKey.DigestsPrefix + "*", (string?)JsonNode.Parse(digests.Resource)!["Fn::Sub"], StringComparison.Ordinal);
        var seals = Assert.Single(Grants(), g => g.Action == "s3:PutObject" && g.Resource.Contains("/" + Processor.Audit.AuditKey.SealsPrefix, StringComparison.Ordinal));
        Assert.EndsWith("/" + Processor.Audit.AuditKey.SealsPrefix + "*", (string?)JsonNode.Parse(seals.Resource)!["Fn::Sub"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_processor_lists_only_the_digest_and_seal_folders_of_the_audit_bucket()
    {
        // A sealer lists digests/<day>/ and seals/<day>/; the audit objects' keys (order ids) stay unlisted.
        var listing = Assert.Single(Statements(), s => OneOrMany(s["Action"]).Any(a => (string?)a == "s3:ListBucket")
            && OneOrMany(s["Resource"]).Any(r => r!.ToJsonString().Contains("order-audit-logs-", StringComparison.Ordinal)));
        var prefixes = OneOrMany(listing["Condition"]!["StringLike"]!["s3:prefix"]).Select(p => (string?)p).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { Processor.Audit.AuditKey.DigestsPrefix + "*", Processor.Audit.AuditKey.SealsPrefix + "*" }, prefixes);
        Assert.Single(listing["Condition"]!.AsObject());
    }

    [Fact]
    public void The_stacks_signing_key_is_an_ECC_signing_key_only_the_processor_role_may_sign_with()
    {
        var key = _template.Resources["DigestSigningKey"]!;
        Assert.Equal(("CreatesDigestSigningKey", "Retain", "Retain"), ((string?)key["Condition"], (string?)key["DeletionPolicy"], (string?)key["UpdateReplacePolicy"]));
        var properties = key["Properties"]!;
        Assert.Equal(("ECC_NIST_P256", "SIGN_VERIFY"), ((string?)properties["KeySpec"], (string?)properties["KeyUsage"]));

        var statements = properties["KeyPolicy"]!["Statement"]!.AsArray().Select(s => s!).ToList();
        Assert.All(statements, s => Assert.Equal("Allow", (string?)s["Effect"]));
        var signers = statements.Where(s => OneOrMany(s["Action"]).Any(a => ((string?)a)?.StartsWith("kms:Sign", StringComparison.Ordinal) == true || (string?)a == "kms:*")).ToList();
        var signer = Assert.Single(signers);
        Assert.Equal(["kms:Sign"], OneOrMany(signer["Action"]).Select(a => (string?)a));
        // Named by its fixed name, not by reference: the role's managed policy names the key, so a reference back would be a cycle.
        var roleName = SubText(_template.Properties(Role)["RoleName"]);
        Assert.Equal("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + roleName, SubText(signer["Condition"]!["ArnEquals"]!["aws:PrincipalArn"]));

        // The account administers the key and reads its public key (kms:GetPublicKey), but cannot sign.
        var account = Assert.Single(statements, s => s != signer);
        Assert.Null(account["Action"]);
        Assert.Equal("kms:Sign", (string?)account["NotAction"]);

        var variable = _template.Properties("OrderProcessorLambda")["Environment"]!["Variables"]![Processor.Template.TemplateContract.FunctionVariables.DigestSigningKeyId]!;
        Assert.Equal(JsonNode.Parse(SigningKeyJson)!.ToJsonString(), variable.ToJsonString());
        Assert.Equal(JsonNode.Parse(SigningKeyJson)!.ToJsonString(), _template.Outputs[Processor.Template.TemplateContract.Outputs.DigestSigningKeyArn]!["Value"]!.ToJsonString());
    }

    [Fact]
    public void Every_grant_is_allow()
    {
        Assert.All(Statements(), s => Assert.Equal("Allow", (string?)s["Effect"]));
    }

    /// <summary>Statements of the role's inline policies, of every AWS::IAM::Policy attached to it and of the managed policies it attaches.</summary>
    private IEnumerable<JsonNode> Statements()
    {
        var role = _template.Properties(Role);
        var inline = (role["Policies"] as JsonArray ?? []).Select(p => p!["PolicyDocument"]!);
        var attached = _template.ResourcesOfType("AWS::IAM::Policy")
            .Where(p => p.Value["Properties"]!["Roles"]!.AsArray().Any(r => IsRef(r, Role)))
            .Select(p => p.Value["Properties"]!["PolicyDocument"]!);
        var managed = (role["ManagedPolicyArns"] as JsonArray ?? []).Select(arn => (string?)arn?["Ref"]).OfType<string>()
            .Select(logicalId => _template.Properties(logicalId)["PolicyDocument"]!);
        return inline.Concat(attached).Concat(managed).SelectMany(d => d["Statement"]!.AsArray()).Select(s => s!);
    }

    private IEnumerable<(string Action, string Resource)> Grants() =>
        from statement in Statements()
        from action in OneOrMany(statement["Action"])
        from resource in OneOrMany(statement["Resource"])
        select ((string)action!, resource!.ToJsonString());
}
