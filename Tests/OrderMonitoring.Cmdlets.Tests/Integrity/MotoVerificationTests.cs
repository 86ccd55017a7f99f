using System.Text.Json;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Tests.Reconciliation;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.TestSupport;
using Sample = OrderMonitoring.Cmdlets.Tests.Reconciliation.Orders;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>
/// The processor writes signed digests with an ECC key created through moto's KMS API (moto's CloudFormation makes
/// every key symmetric), and the verification reads them back through S3 and kms:GetPublicKey: clean, then an
/// overwrite behind the module's back is TamperedAudit, a suspended bucket BucketUnprotected. The bucket's versioning
/// is enabled through the API, as the template states it (moto's CloudFormation ignores it).
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class MotoVerificationTests(MotoFixture moto)
{
    private AwsClientFactory Clients => new(new AwsConnection(RegionEndpoint.GetBySystemName(moto.Region), moto.Credentials, moto.Endpoint));

    [Fact]
    public async Task Digests_signed_through_KMS_verify_clean_and_an_overwritten_object_is_TamperedAudit()
    {
        var bucket = "audit-" + Guid.NewGuid().ToString("N");
        using var s3 = Clients.CreateS3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        // No bucket policy: moto enforces the template's DenyInsecureTransport on its plain-HTTP endpoint, which would
        // refuse every request; the policy's absence is what the check must then report.
        using var kms = Clients.CreateKms(TimeSpan.FromSeconds(30));
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;

        var table = new FakeItemSource();
        using (var services = ProcessorServices.Create(Clients, bucket, $"arn:aws:sns:{moto.Region}:{MotoServer.AccountId}:unused",
            new BatchProcessorOptions { Environment = "moto", LogSink = new JsonLogger(_ => { }) }, key.Arn))
        {
            var records = new[] { ("ORD-1", "100000000000000000001"), ("ORD-2", "100000000000000000002"), ("ORD-3", "100000000000000000003") };
            var result = await services.Processor.ProcessAsync(records.Select(r => Insert(r.Item1, r.Item2)).ToList(), services.Handler);
            Assert.Equal(3, result.Audited);
            table.Items.AddRange(records.Select(r => Sample.Item(r.Item1, "1772366400000", "PENDING")));
        }

        var store = new S3AuditVersionStore(s3);
        var publicKeys = new KmsPublicKeySource(() => kms);
        var keys = new VerificationKeys(new DigestVerifier(await publicKeys.GetPublicKeyAsync(key.Arn, default)), null);
        async Task<IReadOnlyList<CheckedFinding>> CheckAsync(VerificationPeriod? period = null)
        {
            var verified = await new TrailVerifier(store, keys, TimeProvider.System).VerifyAsync(bucket, period ?? VerificationPeriod.WholeTrail, default);
            var outcome = await new AuditLogChecker(table, store, new CheckOptions(), TimeProvider.System)
                .CheckAsync(new CheckRequest("orders", bucket, null, new CheckScope(period?.Since, period?.Until), verified), NullOperationReporter.Instance, default);
            var protection = await new S3BucketProtectionSource(s3).ReadAsync(bucket, default);
            return BucketProtection.Judge(bucket, protection, null).Select(f => TrailFindings.ToChecked(f, "", null)).Concat(outcome.Findings).ToList();
        }

        var clean = Assert.Single(await CheckAsync());
        // Each object names its digest in its metadata; Get-OrderAuditLog's reader marks it against that one digest.
        var reader = new OrderMonitoring.Cmdlets.AuditLog.AuditLogReader(new OrderMonitoring.Cmdlets.AuditLog.S3AuditObjectStore(s3), new OrderMonitoring.Cmdlets.Tests.Orders.FakeOrderTable());
        var entries = await reader.ReadOrderAsync(bucket, "ORD-1", parse: true, default);
        var entry = Assert.Single(entries);
        Assert.StartsWith(AuditKey.DigestsPrefix, entry.DigestKey, StringComparison.Ordinal);
        var marks = await new RecordIntegrity(store, keys).MarkAsync(bucket, new[] { new ReadObject(entry.Key, entry.Json, entry.DigestKey, entry.LastModified) }, default);
        Assert.Equal(IntegrityMarks.Proven, Assert.Single(marks));
        Assert.Equal(AuditFindingKind.BucketUnprotected, clean.Kind);
        Assert.Contains("DenyInsecureTransport", clean.Detail, StringComparison.Ordinal);

        var tampered = AuditKey.ForRecord("ORD-2", "100000000000000000002");
        var original = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = tampered })).Versions!.Single().VersionId;
        // moto 5.2.1 keeps no SHA-256 checksum (real S3 does): the proven version is then found by reading and hashing it.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = tampered, ContentBody = "{\"orderId\":\"ORD-2\",\"status\":\"SHIPPED\"}" });
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended } });

        var findings = await CheckAsync();

        Assert.Equal(new[] { AuditFindingKind.TamperedAudit, AuditFindingKind.BucketUnprotected }, findings.Select(f => f.Kind).OrderBy(k => k));
        Assert.Contains("versioning", findings.Single(f => f.Kind == AuditFindingKind.BucketUnprotected).Detail, StringComparison.Ordinal);
        var finding = findings.Single(f => f.Kind == AuditFindingKind.TamperedAudit);
        Assert.Equal((tampered, original), (finding.Key, finding.ProvenVersionId));
        // A period check (the days of today's digests) lists its folders one by one where the whole check read orders/ in
        // pages: the same verdict.
        var now = DateTimeOffset.UtcNow;
        var inPeriod = await CheckAsync(new VerificationPeriod(now.AddHours(-1), now.AddHours(1)));
        Assert.Equal(findings.Select(f => (f.Kind, f.Key, f.ProvenVersionId)).OrderBy(f => f.Kind), inPeriod.Select(f => (f.Kind, f.Key, f.ProvenVersionId)).OrderBy(f => f.Kind));
    }

    private static StreamRecord Insert(string orderId, string sequence)
    {
        var image = JsonDocument.Parse($"{{\"orderId\":{{\"S\":\"{orderId}\"}},\"timestamp\":{{\"N\":\"1772366400000\"}},\"status\":{{\"S\":\"PENDING\"}}}}").RootElement.Clone();
        var keys = JsonDocument.Parse($"{{\"orderId\":{{\"S\":\"{orderId}\"}},\"timestamp\":{{\"N\":\"1772366400000\"}}}}").RootElement.Clone();
        return new StreamRecord
        {
            EventId = "evt-" + sequence,
            EventName = "INSERT",
            EventVersion = "1.1",
            EventSource = "aws:dynamodb",
            AwsRegion = "us-east-1",
            EventSourceArn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-03-01T00:00:00.000",
            Dynamodb = new StreamRecordData
            {
                ApproximateCreationDateTime = JsonDocument.Parse("1772366400").RootElement.Clone(),
                Keys = keys,
                NewImage = image,
                SequenceNumber = sequence,
                SizeBytes = 100,
                StreamViewType = "NEW_AND_OLD_IMAGES",
            },
        };
    }
}
