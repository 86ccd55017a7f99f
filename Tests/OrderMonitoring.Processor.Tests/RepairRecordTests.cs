using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>The repair record: its key, reading it back, and its signature checked with the repair key's public key.</summary>
public sealed class RepairRecordTests
{
    private static readonly RepairRecord Sample = new()
    {
        Environment = "prod",
        Finding = "DeletedAudit",
        Key = "orders/o-1/0000000000000000000000000000000000000042.json",
        DigestKey = "digests/2026-03-01/20260301T120000Z-abc/000000000007.json",
        DigestedSha256 = new string('b', 64),
        Action = RepairRecord.CopiedProvenVersion,
        Source = "v-1",
        WrittenKey = "orders/o-1/0000000000000000000000000000000000000042.json",
        WrittenVersionId = "v-3",
        WrittenSha256 = new string('b', 64),
        CallerArn = "arn:aws:iam::123456789012:user/auditor",
        RepairedAt = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void A_record_is_stored_by_day_and_an_id_the_finding_decides()
    {
        Assert.StartsWith("repairs/2026-03-02/", Sample.StorageKey, StringComparison.Ordinal);
        Assert.Equal(Sample.StorageKey, (Sample with { RepairedAt = Sample.RepairedAt.AddMinutes(5), CallerArn = "someone else" }).StorageKey);
        Assert.NotEqual(Sample.Id, (Sample with { Finding = "TamperedAudit" }).Id);
    }

    [Fact]
    public async Task A_signed_record_read_back_verifies_and_a_changed_one_does_not()
    {
        using var signer = new EcdsaSigner();
        var signature = await signer.SignAsync(Sample.SigningMessage(), CancellationToken.None);
        var signed = Sample with { Signature = new DigestSignature(signer.KeyId, DigestDocument.SigningAlgorithm, Convert.ToBase64String(signature)) };

        var read = RepairRecord.Parse(signed.ToJson(), "test");
        var verifier = new DigestVerifier(signer.PublicKey);

        Assert.Equal(signed.ToJson(), read.ToJson());
        Assert.Equal(DigestSignatureCheck.Valid, verifier.CheckSignature(read));
        Assert.Equal(DigestSignatureCheck.Invalid, verifier.CheckSignature(read with { WrittenSha256 = new string('c', 64) }));
        Assert.Equal(DigestSignatureCheck.Unsigned, verifier.CheckSignature(RepairRecord.Parse(Sample.ToJson(), "test")));
    }

    [Fact]
    public void An_acknowledged_seal_gap_reads_back_with_both_seals_and_its_id_follows_the_earlier_seal()
    {
        var acknowledgement = Sample with
        {
            Finding = "DigestMissing", Key = "seals/", DigestKey = "seals/2026-03-01/20260301T120000Z.json", DigestedSha256 = new string('d', 64),
            Action = RepairRecord.AcknowledgedSealGap, Source = "2026-03-01 12:00:00Z to 2026-03-01 15:00:00Z",
            WrittenKey = "seals/2026-03-01/20260301T150000Z.json", WrittenVersionId = null, WrittenSha256 = new string('e', 64),
        };

        var read = RepairRecord.Parse(acknowledgement.ToJson(), "test");

        Assert.Equal((RepairRecord.AcknowledgedSealGap, "seals/2026-03-01/20260301T120000Z.json", "seals/2026-03-01/20260301T150000Z.json", null),
            (read.Action, read.DigestKey, read.WrittenKey, read.WrittenVersionId));
        Assert.Equal(acknowledgement.ToJson(), read.ToJson());
        Assert.NotEqual(acknowledgement.Id, (acknowledgement with { DigestedSha256 = new string('f', 64) }).Id);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"schemaVersion\":\"1\"}")]
    [InlineData("not json")]
    public void Text_that_is_no_repair_record_is_an_InvalidDataException(string json) =>
        Assert.Throws<InvalidDataException>(() => RepairRecord.Parse(json, "s3://bucket/repairs/x.json"));
}
