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
/// Seals against moto's S3 and KMS, wired as the Lambda wires them (ProcessorServices): listing, reading, the
/// conditional write (If-None-Match: *) and the signature through KMS. The ECC key is created through the KMS API, as
/// in MotoDigestTests (moto's CloudFormation makes every key symmetric). moto cannot run the EventBridge schedule: the
/// schedule's invocation is the Function's dispatch, covered in FunctionTests.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class MotoSealTests(MotoFixture moto)
{
    private AwsClientFactory Clients => new(new AwsConnection(RegionEndpoint.GetBySystemName(moto.Region), moto.Credentials, moto.Endpoint));

    [Fact]
    public async Task A_seal_names_the_chains_head_links_the_previous_seal_and_verifies_with_the_public_key_alone()
    {
        var bucket = "audit-" + Guid.NewGuid().ToString("N");
        using var s3 = Clients.CreateS3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        using var kms = Clients.CreateKms(TimeSpan.FromSeconds(30));
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        // A clock that stands still between the calls: the second seal falls into the first one's second.
        var time = new SteppingTime(DateTimeOffset.UtcNow);
        using var services = ProcessorServices.Create(Clients, bucket, $"arn:aws:sns:{moto.Region}:{MotoServer.AccountId}:unused",
            new BatchProcessorOptions { Environment = "moto", LogSink = new JsonLogger(_ => { }), Time = time }, key.Arn, new SealSchedule(TimeSpan.FromMinutes(30)));
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

    private static async Task<byte[]> ReadAsync(Amazon.S3.IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
