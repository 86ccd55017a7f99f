using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.TestSupport;
using CfnParameter = OrderMonitoring.Aws.CloudFormation.Parameter;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>
/// -DigestSigningKeyArn, -RepairSigningKeyArn, -AuditObjectLockMode and -AuditObjectLockDays: checked before anything
/// changes (deploy and plan alike), passed to the template, and kept across updates that do not name them.
/// </summary>
public sealed class SigningKeyDeployTests : IDisposable
{
    private const string DigestKey = "arn:aws:kms:us-east-1:999999999999:key/digest-1";
    private const string RepairKey = "arn:aws:kms:us-east-1:999999999999:key/repair-1";
    private const string KeptAuditBucket = "order-audit-logs-dev-123456789012-us-east-1";

    private readonly FakeCloudFormation _cloudFormation = new();
    private readonly FakeArtifacts _artifacts = new();
    private readonly FakeSigningKeys _keys = new();
    private readonly FakeObjectLock _locks = new();
    private readonly RecordingReporter _reporter = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("signing-keys-").FullName;
    private readonly SteppingTime _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public SigningKeyDeployTests()
    {
        _keys.Add(DigestKey);
        _keys.Add(RepairKey);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_create_passes_both_keys_after_describing_them()
    {
        NewStack();

        await Deployer().DeployAsync(Request() with { DigestSigningKeyArn = DigestKey, RepairSigningKeyArn = RepairKey }, _reporter, CancellationToken.None);

        Assert.Equal((DigestKey, RepairKey), (ParameterSent("DigestSigningKeyArn"), ParameterSent("RepairSigningKeyArn")));
        Assert.Equal(new[] { DigestKey, RepairKey }, _keys.Described);
        Assert.Contains(_reporter.Verbose, line => line.Contains($"Digest signing key {DigestKey}: ECC_NIST_P256, SIGN_VERIFY, Enabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_update_that_names_no_key_keeps_the_stacks_keys_and_object_lock_instead_of_creating_new_keys()
    {
        ExistingStack(("DigestSigningKeyArn", DigestKey), ("RepairSigningKeyArn", RepairKey), ("AuditObjectLockMode", "GOVERNANCE"), ("AuditObjectLockDays", "30"));

        await Deployer().DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.Equal((DigestKey, RepairKey), (ParameterSent("DigestSigningKeyArn"), ParameterSent("RepairSigningKeyArn")));
        Assert.Equal(("GOVERNANCE", "30"), (ParameterSent("AuditObjectLockMode"), ParameterSent("AuditObjectLockDays")));
        Assert.Empty(_keys.Described); // keys the stack already uses are not judged again
    }

    [Fact]
    public async Task A_stack_from_before_the_parameters_gets_its_own_keys_and_no_object_lock()
    {
        ExistingStack();

        await Deployer().DeployAsync(Request(), _reporter, CancellationToken.None);

        Assert.Equal(("", ""), (ParameterSent("DigestSigningKeyArn"), ParameterSent("RepairSigningKeyArn")));
        Assert.Equal(("None", "365"), (ParameterSent("AuditObjectLockMode"), ParameterSent("AuditObjectLockDays")));
    }

    [Theory]
    [InlineData("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", "SigningKeyUnsuitable", FailureKind.InvalidArgument, "SYMMETRIC_DEFAULT key for ENCRYPT_DECRYPT")]
    [InlineData("RSA_2048", "SIGN_VERIFY", "Enabled", "SigningKeyUnsuitable", FailureKind.InvalidArgument, "RSA_2048 key for SIGN_VERIFY")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY", "Disabled", "SigningKeyNotEnabled", FailureKind.InvalidState, "is Disabled")]
    [InlineData("ECC_NIST_P256", "SIGN_VERIFY", "PendingDeletion", "SigningKeyNotEnabled", FailureKind.InvalidState, "is PendingDeletion")]
    public async Task A_key_that_cannot_sign_is_refused_before_anything_is_uploaded_or_deployed(string spec, string usage, string state, string errorId, FailureKind kind, string why)
    {
        NewStack();
        _keys.Add(DigestKey, spec, usage, state);

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().DeployAsync(Request() with { DigestSigningKeyArn = DigestKey }, _reporter, CancellationToken.None));

        Assert.Equal((errorId, kind), (error.ErrorId, error.Kind));
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Contains(DigestKey, error.Message, StringComparison.Ordinal);
        Assert.Empty(_artifacts.Changes);
        Assert.DoesNotContain(_cloudFormation.Calls, call => call.StartsWith("CreateChangeSet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plan_refuses_an_unsuitable_key_too_and_creates_no_change_set()
    {
        NewStack();
        _keys.Add(RepairKey, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().PlanAsync(Request() with { RepairSigningKeyArn = RepairKey }, _reporter, CancellationToken.None));

        Assert.Equal("SigningKeyUnsuitable", error.ErrorId);
        Assert.Contains("repair records", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_cloudFormation.Calls, call => call.StartsWith("CreateChangeSet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_that_KMS_does_not_show_this_caller_is_refused_with_the_KMS_reason()
    {
        NewStack();
        _keys.Failures[DigestKey] = new OrderMonitoringException(SigningKeyErrors.AccessDenied, FailureKind.PermissionDenied, "denied", "grant it");

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().DeployAsync(Request() with { DigestSigningKeyArn = DigestKey }, _reporter, CancellationToken.None));

        Assert.Equal("SigningKeyAccessDenied", error.ErrorId);
        Assert.Empty(_artifacts.Changes);
    }

    [Fact]
    public async Task One_key_for_both_roles_is_refused_even_when_the_other_role_keeps_the_stacks_key()
    {
        ExistingStack(("DigestSigningKeyArn", DigestKey));

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().DeployAsync(Request() with { RepairSigningKeyArn = DigestKey }, _reporter, CancellationToken.None));

        Assert.Equal(("SigningKeysNotSeparate", FailureKind.InvalidArgument), (error.ErrorId, error.Kind));
        Assert.Empty(_artifacts.Changes);
    }

    [Fact]
    public async Task The_stacks_own_digest_key_cannot_become_the_repair_key()
    {
        const string OwnKey = "arn:aws:kms:us-east-1:123456789012:key/own";
        _keys.Add(OwnKey);
        ExistingStack();
        _cloudFormation.Outputs["DigestSigningKeyArn"] = OwnKey;

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().PlanAsync(Request() with { RepairSigningKeyArn = OwnKey }, _reporter, CancellationToken.None));

        Assert.Equal("SigningKeysNotSeparate", error.ErrorId);
    }

    [Fact]
    public async Task Switching_the_digest_key_warns_that_earlier_digests_stay_signed_by_the_old_one()
    {
        const string OldKey = "arn:aws:kms:us-east-1:123456789012:key/old";
        ExistingStack();
        _cloudFormation.Outputs["DigestSigningKeyArn"] = OldKey;

        await Deployer().DeployAsync(Request() with { DigestSigningKeyArn = DigestKey }, _reporter, CancellationToken.None);

        var warning = Assert.Single(_reporter.Warnings, w => w.Contains("Digests written from now on", StringComparison.Ordinal));
        Assert.Contains(OldKey, warning, StringComparison.Ordinal);
        Assert.Contains("Export-OrderAuditSigningKey", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Object_lock_is_passed_to_the_template_for_a_bucket_the_stack_owns_and_not_set_through_S3()
    {
        NewStack();

        await Deployer().DeployAsync(Request() with { AuditObjectLockMode = "COMPLIANCE", AuditObjectLockDays = 7 }, _reporter, CancellationToken.None);

        Assert.Equal(("COMPLIANCE", "7"), (ParameterSent("AuditObjectLockMode"), ParameterSent("AuditObjectLockDays")));
        Assert.Empty(_locks.Puts);
    }

    [Fact]
    public async Task A_kept_audit_bucket_outside_the_stack_gets_object_lock_through_S3_after_the_deployment()
    {
        NewStack();

        await Deployer(buckets: new KeptBuckets(KeptAuditBucket)).DeployAsync(Request() with { AuditObjectLockMode = "GOVERNANCE", AuditObjectLockDays = 30 }, _reporter, CancellationToken.None);

        Assert.Equal("Existing", ParameterSent("AuditBucketSource"));
        Assert.Equal((KeptAuditBucket, new ObjectLockSetting("GOVERNANCE", 30)), Assert.Single(_locks.Puts));
        Assert.Contains("ExecuteChangeSet", _cloudFormation.Calls); // the stack first, then the bucket
    }

    [Fact]
    public async Task A_kept_bucket_that_already_has_the_setting_is_not_written_again()
    {
        NewStack();
        _locks.Current[KeptAuditBucket] = new ObjectLockSetting("GOVERNANCE", 30);

        await Deployer(buckets: new KeptBuckets(KeptAuditBucket)).DeployAsync(Request() with { AuditObjectLockMode = "GOVERNANCE", AuditObjectLockDays = 30 }, _reporter, CancellationToken.None);

        Assert.Empty(_locks.Puts);
    }

    [Fact]
    public async Task The_plan_lists_the_object_lock_change_of_a_kept_bucket_without_making_it()
    {
        NewStack();

        var plan = await Deployer(buckets: new KeptBuckets(KeptAuditBucket)).PlanAsync(Request() with { AuditObjectLockMode = "COMPLIANCE" }, _reporter, CancellationToken.None);

        var row = Assert.Single(plan, change => change.ResourceType == "AWS::S3::Bucket");
        Assert.Contains(KeptAuditBucket, row.LogicalResourceId, StringComparison.Ordinal);
        Assert.Equal("Object Lock off -> COMPLIANCE for 365 day(s)", row.PhysicalResourceId);
        Assert.Empty(_locks.Puts);
    }

    [Fact]
    public async Task Days_without_a_mode_on_a_stack_without_object_lock_are_refused()
    {
        NewStack();

        var error = await Assert.ThrowsAsync<OrderMonitoringException>(() => Deployer().PlanAsync(Request() with { AuditObjectLockDays = 10 }, _reporter, CancellationToken.None));

        Assert.Equal(("AuditObjectLockDaysWithoutMode", FailureKind.InvalidArgument), (error.ErrorId, error.Kind));
    }

    [Fact]
    public async Task Days_alone_change_the_retention_of_a_stack_that_has_object_lock()
    {
        ExistingStack(("AuditObjectLockMode", "GOVERNANCE"), ("AuditObjectLockDays", "30"));

        await Deployer().DeployAsync(Request() with { AuditObjectLockDays = 90 }, _reporter, CancellationToken.None);

        Assert.Equal(("GOVERNANCE", "90"), (ParameterSent("AuditObjectLockMode"), ParameterSent("AuditObjectLockDays")));
    }

    private void NewStack()
    {
        _cloudFormation.Statuses.Enqueue(null);
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
    }

    private void ExistingStack(params (string Key, string Value)[] parameters)
    {
        _cloudFormation.Statuses.Enqueue("CREATE_COMPLETE");
        _cloudFormation.Statuses.Enqueue("UPDATE_COMPLETE");
        _cloudFormation.Parameters.AddRange(parameters.Select(p => new CfnParameter { ParameterKey = p.Key, ParameterValue = p.Value }));
    }

    private string? ParameterSent(string key) => _cloudFormation.LastChangeSet!.Parameters.Single(p => p.ParameterKey == key).ParameterValue;

    private StackDeployer Deployer(IBucketProbe? buckets = null) =>
        new(_cloudFormation, _artifacts, _artifacts, "us-east-1", new PollTiming { Interval = TimeSpan.FromSeconds(2), Time = _time },
            buckets: buckets, signingKeys: _keys, objectLock: _locks);

    private DeployRequest Request()
    {
        var template = Path.Combine(_folder, "order-monitoring.json");
        var zip = Path.Combine(_folder, "order-processor-abc.zip");
        File.WriteAllText(template, "{}");
        File.WriteAllText(zip, "zip");
        return new DeployRequest
        {
            StackName = FakeCloudFormation.StackName, Environment = "dev", TemplatePath = template, ProcessorZipPath = zip, ProcessorTrigger = "External",
            Timeout = TimeSpan.FromMinutes(5),
        };
    }

    private sealed class KeptBuckets(params string[] existing) : IBucketProbe
    {
        public Task<bool> ExistsAsync(string bucket, CancellationToken cancellationToken) => Task.FromResult(existing.Contains(bucket));
    }
}

/// <summary>KMS keys by ARN, as DescribeKey and GetPublicKey answer for them.</summary>
internal sealed class FakeSigningKeys : ISigningKeyStore
{
    private readonly Dictionary<string, (SigningKeyFacts Facts, byte[] PublicKey)> _keys = new(StringComparer.Ordinal);

    public List<string> Described { get; } = new();

    public Dictionary<string, OrderMonitoringException> Failures { get; } = new(StringComparer.Ordinal);

    public void Add(string arn, string spec = "ECC_NIST_P256", string usage = "SIGN_VERIFY", string state = "Enabled", byte[]? publicKey = null) =>
        _keys[arn] = (new SigningKeyFacts(arn, spec, usage, state), publicKey ?? Array.Empty<byte>());

    public Task<SigningKeyFacts> DescribeAsync(string keyArn, string role, CancellationToken cancellationToken)
    {
        Described.Add(keyArn);
        return Failures.TryGetValue(keyArn, out var failure) ? Task.FromException<SigningKeyFacts>(failure) : Task.FromResult(Key(keyArn).Facts);
    }

    public Task<SigningPublicKey> GetPublicKeyAsync(string keyArn, string role, CancellationToken cancellationToken)
    {
        if (Failures.TryGetValue(keyArn, out var failure))
        {
            return Task.FromException<SigningPublicKey>(failure);
        }

        var (facts, publicKey) = Key(keyArn);
        return Task.FromResult(new SigningPublicKey(facts.Arn, facts.KeySpec, facts.KeyUsage, publicKey));
    }

    private (SigningKeyFacts Facts, byte[] PublicKey) Key(string arn) =>
        _keys.TryGetValue(arn, out var key) ? key : throw new OrderMonitoringException(SigningKeyErrors.NotFound, FailureKind.NotFound, $"no key {arn}", "");
}

/// <summary>Buckets' Object Lock settings, and what was written.</summary>
internal sealed class FakeObjectLock : IBucketObjectLock
{
    public Dictionary<string, ObjectLockSetting> Current { get; } = new(StringComparer.Ordinal);

    public List<(string Bucket, ObjectLockSetting Setting)> Puts { get; } = new();

    public Task<ObjectLockSetting?> GetAsync(string bucket, CancellationToken cancellationToken) =>
        Task.FromResult(Current.TryGetValue(bucket, out var setting) ? setting : null);

    public Task PutAsync(string bucket, ObjectLockSetting setting, CancellationToken cancellationToken)
    {
        Puts.Add((bucket, setting));
        Current[bucket] = setting;
        return Task.CompletedTask;
    }
}
