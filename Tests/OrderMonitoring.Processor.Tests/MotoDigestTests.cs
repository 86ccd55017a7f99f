using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.S3.Model;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Tests.Fakes;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Processor.Tests;

/// <summary>
/// Digests signed through KMS against moto, wired as the Lambda wires them. moto's CloudFormation would create the
/// stack's key as a symmetric key that cannot sign, so the test creates the ECC key through the KMS API and passes its
/// ARN, as an organisation passes an existing key (DigestSigningKeyArn) on real AWS. Seals are written over the same wiring.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class MotoDigestTests(MotoFixture moto)
{
    private AwsClientFactory Clients => new(new AwsConnection(RegionEndpoint.GetBySystemName(moto.Region), moto.Credentials, moto.Endpoint));

    [Fact]
    public async Task The_processor_signs_with_an_ECC_key_and_the_public_key_alone_verifies_the_digest_and_every_object()
    {
        using var s3 = Clients.CreateS3();
        using var kms = Clients.CreateKms(TimeSpan.FromSeconds(30));
        var (bucket, key) = await NewBucketAndEccKeyAsync(s3, kms);

        using var services = ProcessorServices.Create(Clients, bucket, $"arn:aws:sns:{moto.Region}:{MotoServer.AccountId}:unused",
            new BatchProcessorOptions { Environment = "moto", LogSink = new JsonLogger(_ => { }) }, key.Arn);
        var first = await services.Processor.ProcessAsync([Events.Insert("ORD-1"), Events.Modify("ORD-1", "PENDING", "SHIPPED"), Events.Insert("ORD-2")], services.Handler);
        var second = await services.Processor.ProcessAsync([Events.Insert("ORD-3")], services.Handler);
        Assert.Equal((3, 1), (first.Audited, second.Audited));

        var publicKey = (await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.Arn })).PublicKey.ToArray();
        var verifier = new DigestVerifier(publicKey);
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = AuditKey.DigestsPrefix });
        var keys = listed.S3Objects!.Select(o => o.Key).ToList();
        Assert.Equal(2, keys.Count);
        var stored = new List<(byte[] Bytes, DigestDocument Digest)>();
        foreach (var digestKey in keys)
        {
            var bytes = await ReadAsync(s3, bucket, digestKey);
            stored.Add((bytes, DigestDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes), digestKey)));
        }

        Assert.All(stored, d => Assert.Equal(DigestSignatureCheck.Valid, verifier.CheckSignature(d.Digest)));
        Assert.All(stored, d => Assert.Equal(key.Arn, d.Digest.Signature!.KeyId));
        Assert.True(DigestVerifier.FollowsFrom(stored[0].Digest, null, null));
        Assert.True(DigestVerifier.FollowsFrom(stored[1].Digest, keys[0], stored[0].Bytes));
        Assert.Equal(3, stored[0].Digest.Objects.Count);
        foreach (var entry in stored.SelectMany(d => d.Digest.Objects))
        {
            Assert.Equal(entry.Sha256, Sha256Hex.Of(await ReadAsync(s3, bucket, entry.Key)));
        }
    }

    [Fact]
    public async Task A_key_that_cannot_sign_leaves_the_digest_unsigned_and_the_audit_objects_written()
    {
        var bucket = "audit-" + Guid.NewGuid().ToString("N");
        using var s3 = Clients.CreateS3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        using var kms = Clients.CreateKms(TimeSpan.FromSeconds(30));
        // The symmetric key moto's CloudFormation makes of the stack's signing key (moto signs even with a disabled
        // ECC key, so a disabled key is covered with a fake signer in DigestWritingTests).
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var warnings = new List<string>();

        using var services = ProcessorServices.Create(Clients, bucket, $"arn:aws:sns:{moto.Region}:{MotoServer.AccountId}:unused",
            new BatchProcessorOptions { Environment = "moto", LogSink = new JsonLogger(line => { lock (warnings) { warnings.Add(line); } }) }, key.Arn);
        var result = await services.Processor.ProcessAsync([Events.Insert("ORD-1")], services.Handler);

        Assert.Equal((1, 0), (result.Audited, result.Failed));
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = AuditKey.DigestsPrefix });
        var digestKey = Assert.Single(listed.S3Objects!).Key;
        var digest = DigestDocument.Parse(System.Text.Encoding.UTF8.GetString(await ReadAsync(s3, bucket, digestKey)), digestKey);
        Assert.Null(digest.Signature);
        Assert.Contains(key.Arn, digest.Unsigned, StringComparison.Ordinal);
        Assert.Contains(warnings, line => line.Contains("Digest written unsigned", StringComparison.Ordinal));
    }

    /// <summary>
    /// A seal through S3 and KMS as the Lambda wires it: listing, reading, the conditional write (If-None-Match: *) and
    /// the signature. moto cannot run the template's EventBridge schedule; its invocation is the Function's dispatch (FunctionTests).
    /// </summary>
    [Fact]
    public async Task A_seal_names_the_chains_head_links_the_previous_seal_and_verifies_with_the_public_key_alone()
    {
        using var s3 = Clients.CreateS3();
        using var kms = Clients.CreateKms(TimeSpan.FromSeconds(30));
        var (bucket, key) = await NewBucketAndEccKeyAsync(s3, kms);
        // A clock that stands still between the calls: the second seal falls into the first one's second.
        var time = new SteppingTime(DateTimeOffset.UtcNow);
        using var services = ProcessorServices.Create(Clients, bucket, $"arn:aws:sns:{moto.Region}:{MotoServer.AccountId}:unused",
            new BatchProcessorOptions { Environment = "moto", LogSink = new JsonLogger(_ => { }), Time = time }, key.Arn, new SealInterval(TimeSpan.FromMinutes(30)));
        await services.Processor.ProcessAsync([Events.Insert("ORD-1")], services.Handler);
        await services.Processor.ProcessAsync([Events.Insert("ORD-2")], services.Handler);

        var first = await services.Sealer.WriteAsync(CancellationToken.None);
        var sameSecond = await services.Sealer.WriteAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(30));
        var second = await services.Sealer.WriteAsync(CancellationToken.None);

        Assert.Equal((true, false, true), (first.Written, sameSecond.Written, second.Written));
        var digests = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = AuditKey.DigestsPrefix })).S3Objects!.Select(o => o.Key).ToList();
        Assert.Equal(2, digests.Count);
        var verifier = new DigestVerifier((await kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = key.Arn })).PublicKey.ToArray());
        var storedFirst = await ReadSealAsync(s3, bucket, first.Seal.Key);
        var storedSecond = await ReadSealAsync(s3, bucket, second.Seal.Key);

        var head = Assert.Single(storedFirst.Seal.Heads);
        Assert.Equal((digests[1], 2L), (head.Key, head.Position));
        Assert.Equal(Sha256Hex.Of(await ReadAsync(s3, bucket, digests[1])), head.Sha256);
        Assert.Null(storedFirst.Seal.Previous);
        Assert.Equal(new DigestLink(first.Seal.Key, Sha256Hex.Of(storedFirst.Bytes)), storedSecond.Seal.Previous);
        Assert.Equal(storedFirst.Seal.SealedAt.AddMinutes(30 + 15), storedFirst.Seal.NextSealBy);
        Assert.All(new[] { storedFirst.Seal, storedSecond.Seal }, seal => Assert.Equal(DigestSignatureCheck.Valid, verifier.CheckSignature(seal)));
        // The same-second sealer left the first seal as it was.
        Assert.Equal(first.Seal.ToJson(), System.Text.Encoding.UTF8.GetString(storedFirst.Bytes));
    }

    private static async Task<(byte[] Bytes, SealDocument Seal)> ReadSealAsync(Amazon.S3.IAmazonS3 s3, string bucket, string key)
    {
        var bytes = await ReadAsync(s3, bucket, key);
        return (bytes, SealDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes), key));
    }

    private static async Task<(string Bucket, KeyMetadata Key)> NewBucketAndEccKeyAsync(Amazon.S3.IAmazonS3 s3, IAmazonKeyManagementService kms)
    {
        var bucket = "audit-" + Guid.NewGuid().ToString("N");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        return (bucket, (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata);
    }

    /// <summary>The object's exact current bytes (what a digest or a seal hashes).</summary>
    private static async Task<byte[]> ReadAsync(Amazon.S3.IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
