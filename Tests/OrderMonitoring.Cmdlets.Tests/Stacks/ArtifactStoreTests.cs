using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.TestSupport;
using OrderMonitoring.Cmdlets.Tests.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>
/// The artifacts bucket on moto: whose it is, how a new one is set up, and objects used only in a version whose
/// SHA-256 is the file's. moto ignores ExpectedBucketOwner (real S3 answers 403), so the ownership tests rest on
/// ListBuckets, which moto answers per account; another account is played with moto's x-moto-account-id header.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ArtifactStoreTests : IAsyncLifetime
{
    private const string Account = "123456789012";
    private const string OtherAccount = "111111111111";

    private readonly MotoFixture _moto;
    private readonly AmazonS3Client _s3;
    private readonly string _folder = Directory.CreateTempSubdirectory("artifacts-").FullName;

    public ArtifactStoreTests(MotoFixture moto)
    {
        _moto = moto;
        _s3 = Client("us-east-1");
    }

    public Task InitializeAsync() => _moto.Server.ResetAsync();

    public Task DisposeAsync()
    {
        _s3.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Creates_a_missing_bucket_private_versioned_encrypted_and_tls_only_and_says_so_only_once()
    {
        var store = new S3ArtifactStore(_s3, MotoServer.Region, endpointUsesTls: true);
        var first = new RecordingReporter();
        var second = new RecordingReporter();

        await store.EnsureBucketAsync(Bucket("artifacts-new"), first, default);
        await store.EnsureBucketAsync(Bucket("artifacts-new"), second, default);

        Assert.Contains("Created the artifacts bucket artifacts-new (private, ACLs off).", first.Verbose);
        Assert.Equal(new[] { "Using the existing artifacts bucket artifacts-new (owned by account 123456789012)." }, second.Verbose);
        var encryption = await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = "artifacts-new" });
        Assert.Equal(ServerSideEncryptionMethod.AES256, encryption.ServerSideEncryptionConfiguration.ServerSideEncryptionRules[0].ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        var block = (await _s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = "artifacts-new" })).PublicAccessBlockConfiguration;
        Assert.True(block.BlockPublicAcls == true && block.BlockPublicPolicy == true && block.IgnorePublicAcls == true && block.RestrictPublicBuckets == true);
        var ownership = await _s3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = "artifacts-new" });
        Assert.Equal(ObjectOwnership.BucketOwnerEnforced, ownership.OwnershipControls.Rules[0].ObjectOwnership);
        var versioning = await _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = "artifacts-new" });
        Assert.Equal(VersionStatus.Enabled, versioning.VersioningConfig.Status);
        var policy = await PolicyOfAsync("artifacts-new");
        Assert.Equal(ArtifactBucketSettings.TlsOnlyPolicy("aws", "artifacts-new"), policy);
        Assert.Contains("\"Effect\":\"Deny\"", policy, StringComparison.Ordinal);
        Assert.Contains("\"aws:SecureTransport\":\"false\"", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_no_tls_only_policy_when_s3_is_reached_over_plain_http()
    {
        var reporter = new RecordingReporter();

        await new S3ArtifactStore(_s3, MotoServer.Region, endpointUsesTls: false).EnsureBucketAsync(Bucket("artifacts-http"), reporter, default);

        Assert.Null(await PolicyOfAsync("artifacts-http"));
        Assert.Contains(reporter.Verbose, v => v.Contains("plain HTTP", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keeps_the_kms_encryption_of_a_bucket_the_user_names_and_turns_versioning_on()
    {
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = "team-artifacts" });
        await _s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = "team-artifacts",
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules = new List<ServerSideEncryptionRule>
                {
                    new() { ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = "alias/team" } },
                },
            },
        });
        var reporter = new RecordingReporter();

        await new S3ArtifactStore(_s3, MotoServer.Region).EnsureBucketAsync(Bucket("team-artifacts"), reporter, default);

        var rule = (await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = "team-artifacts" }))
            .ServerSideEncryptionConfiguration.ServerSideEncryptionRules[0].ServerSideEncryptionByDefault;
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, rule.ServerSideEncryptionAlgorithm);
        Assert.Equal("alias/team", rule.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.Equal(VersionStatus.Enabled, (await _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = "team-artifacts" })).VersioningConfig.Status);
        Assert.Equal(
            new[] { "Using the existing artifacts bucket team-artifacts (owned by account 123456789012).", "Turned on versioning for team-artifacts: the function runs the object version it was deployed with." },
            reporter.Verbose);
    }

    [Fact]
    public async Task Refuses_a_bucket_of_another_account_and_writes_nothing_to_it()
    {
        await CreateAsOtherAccountAsync("order-monitoring-artifacts-123456789012-us-east-1");
        var store = new S3ArtifactStore(_s3, MotoServer.Region);
        var bucket = Bucket("order-monitoring-artifacts-123456789012-us-east-1");

        var refused = await Assert.ThrowsAsync<OrderMonitoringException>(() => store.EnsureBucketAsync(bucket, new RecordingReporter(), default));
        var planRefused = await Assert.ThrowsAsync<OrderMonitoringException>(() => store.IsOwnedAsync(bucket, default));

        Assert.Equal(("ArtifactBucketNotOwned", "ArtifactBucketNotOwned"), (refused.ErrorId, planRefused.ErrorId));
        Assert.Contains("order-monitoring-artifacts-123456789012-us-east-1 exists but is not one of account 123456789012's buckets", refused.Message, StringComparison.Ordinal);
        // Nothing was configured on it: no versioning, no encryption, no objects.
        Assert.NotEqual(VersionStatus.Enabled, (await _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket.Name })).VersioningConfig.Status);
        Assert.Null(await PolicyOfAsync(bucket.Name));
        Assert.Equal(0, (await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.Name })).KeyCount ?? 0);
    }

    [Fact]
    public async Task A_missing_bucket_is_not_owned_and_not_refused_when_planning()
    {
        Assert.False(await new S3ArtifactStore(_s3, MotoServer.Region).IsOwnedAsync(Bucket("nobody-has-this"), default));
    }

    [Fact]
    public async Task An_upload_stores_the_files_sha256_and_returns_a_version_that_head_and_read_back_confirm()
    {
        var store = new S3ArtifactStore(_s3, MotoServer.Region, endpointUsesTls: false);
        var bucket = Bucket("artifacts-objects");
        await store.EnsureBucketAsync(bucket, new RecordingReporter(), default);
        var file = LocalFile("order-processor-1.zip", "the processor");

        var uploaded = await store.UploadAsync(bucket, file, default);
        var head = await store.HeadAsync(bucket, file.Key, default);

        Assert.False(string.IsNullOrEmpty(uploaded.VersionId));
        Assert.Equal(new StoredArtifact(uploaded.VersionId, file.Sha256Base64), head);
        Assert.Equal(file.Sha256Base64, await store.CurrentSha256Async(bucket, file.Key, default));
        Assert.Null(await store.HeadAsync(bucket, "processor/none/x.zip", default));
        Assert.Null(await store.CurrentSha256Async(bucket, "processor/none/x.zip", default));
    }

    [Fact]
    public async Task Other_bytes_written_to_the_key_later_do_not_change_the_pinned_version()
    {
        var store = new S3ArtifactStore(_s3, MotoServer.Region, endpointUsesTls: false);
        var bucket = Bucket("artifacts-overwritten");
        await store.EnsureBucketAsync(bucket, new RecordingReporter(), default);
        var file = LocalFile("order-processor-2.zip", "the processor");
        var uploaded = await store.UploadAsync(bucket, file, default);

        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = file.Key, ContentBody = "someone else's code", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });

        var head = await store.HeadAsync(bucket, file.Key, default);
        Assert.NotEqual(file.Sha256Base64, head!.Sha256Base64);
        Assert.NotEqual(uploaded.VersionId, head.VersionId);
        using var pinned = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket.Name, Key = file.Key, VersionId = uploaded.VersionId });
        using var bytes = new MemoryStream();
        await pinned.ResponseStream.CopyToAsync(bytes);
        bytes.Position = 0;
        Assert.Equal(file.Sha256Base64, Sha256Hex.Base64Of(bytes));
    }

    [Fact]
    public async Task Creates_the_bucket_in_eu_west_1_with_the_regions_own_name_as_location_constraint()
    {
        using var s3 = Client("eu-west-1");

        await new S3ArtifactStore(s3, "eu-west-1").EnsureBucketAsync(Bucket("artifacts-eu"), new RecordingReporter(), default);

        Assert.Equal("eu-west-1", (await s3.GetBucketLocationAsync("artifacts-eu")).Location.Value);
    }

    [Fact]
    public async Task A_failed_call_on_the_bucket_names_the_operation_and_the_bucket()
    {
        // S3 refuses bucket names under three characters (the cmdlet's -ArtifactBucketName pattern does too).
        var store = new S3ArtifactStore(_s3, MotoServer.Region);

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => store.EnsureBucketAsync(Bucket("xy"), new RecordingReporter(), default));

        Assert.Equal(("S3", "CreateBucket"), (error.ServiceName, error.Operation));
        Assert.Contains("artifacts bucket xy", error.Message, StringComparison.Ordinal);
        var record = ErrorRecordFactory.Create(error, null);
        Assert.Equal("AwsService." + error.ErrorCode, record.FullyQualifiedErrorId);
        Assert.StartsWith("S3 CreateBucket failed: ", record.ErrorDetails.Message, StringComparison.Ordinal);
        Assert.Contains("(artifacts bucket xy)", record.ErrorDetails.Message, StringComparison.Ordinal);
    }

    /// <summary>The bucket's policy; null when it has none.</summary>
    private async Task<string?> PolicyOfAsync(string bucket)
    {
        try
        {
            var policy = (await _s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket })).Policy;
            // The SDK hands moto's NoSuchBucketPolicy answer back as the policy text instead of throwing.
            return string.IsNullOrEmpty(policy) || policy.Contains("NoSuchBucketPolicy") ? null : policy;
        }
        catch (AmazonS3Exception error) when (error.ErrorCode == "NoSuchBucketPolicy")
        {
            return null;
        }
    }

    private static ArtifactBucket Bucket(string name) => new(name, Account);

    private AmazonS3Client Client(string region) =>
        new(_moto.Credentials, new AmazonS3Config { ServiceURL = _moto.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = region });

    private LocalArtifact LocalFile(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return LocalArtifact.Of("processor", path);
    }

    /// <summary>CreateBucket as another moto account (moto checks that a signature is there, not what it is).</summary>
    private async Task CreateAsOtherAccountAsync(string bucket)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_moto.Endpoint, bucket));
        request.Headers.Add("x-moto-account-id", OtherAccount);
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
