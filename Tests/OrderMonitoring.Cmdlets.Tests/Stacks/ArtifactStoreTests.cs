using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.TestSupport;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Tests.Foundation;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>The artifacts bucket on moto: created once, and an existing bucket's own encryption is left alone.</summary>
[Collection(MotoCollection.Name)]
public sealed class ArtifactStoreTests : IAsyncLifetime
{
    private readonly MotoFixture _moto;
    private readonly AmazonS3Client _s3;

    public ArtifactStoreTests(MotoFixture moto)
    {
        _moto = moto;
        _s3 = new AmazonS3Client(moto.Credentials,
            new AmazonS3Config { ServiceURL = moto.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = moto.Region });
    }

    public Task InitializeAsync() => _moto.Server.ResetAsync();

    public Task DisposeAsync()
    {
        _s3.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Creates_a_missing_bucket_encrypted_and_private_and_says_so_only_once()
    {
        var store = new S3ArtifactStore(_s3, MotoServer.Region);
        var first = new RecordingReporter();
        var second = new RecordingReporter();

        await store.EnsureBucketAsync("artifacts-new", first, default);
        await store.EnsureBucketAsync("artifacts-new", second, default);

        Assert.Contains("Created the artifacts bucket artifacts-new.", first.Verbose);
        Assert.Equal(new[] { "Using the existing artifacts bucket artifacts-new." }, second.Verbose);
        var encryption = await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = "artifacts-new" });
        Assert.Equal(ServerSideEncryptionMethod.AES256, encryption.ServerSideEncryptionConfiguration.ServerSideEncryptionRules[0].ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        var block = await _s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = "artifacts-new" });
        Assert.True(block.PublicAccessBlockConfiguration.BlockPublicPolicy);
    }

    [Fact]
    public async Task Keeps_the_kms_encryption_of_a_bucket_the_user_names()
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

        await new S3ArtifactStore(_s3, MotoServer.Region).EnsureBucketAsync("team-artifacts", reporter, default);

        var rule = (await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = "team-artifacts" }))
            .ServerSideEncryptionConfiguration.ServerSideEncryptionRules[0].ServerSideEncryptionByDefault;
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, rule.ServerSideEncryptionAlgorithm);
        Assert.Equal("alias/team", rule.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.Equal(new[] { "Using the existing artifacts bucket team-artifacts." }, reporter.Verbose);
    }
}
