using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>The seal document: its key, reading it back, and its signature (which never verifies as a digest's).</summary>
public sealed class SealDocumentTests
{
    private static readonly SealDocument Sample = new()
    {
        Environment = "prod",
        SealedAt = new DateTimeOffset(2026, 3, 2, 8, 0, 5, TimeSpan.Zero),
        NextSealBy = new DateTimeOffset(2026, 3, 2, 9, 15, 5, TimeSpan.Zero),
        Previous = new DigestLink("seals/2026-03-02/20260302T070004Z.json", new string('a', 64)),
        Heads = new[]
        {
            new SealedHead("20260302T060000Z-abc", 42, "digests/2026-03-02/20260302T060000Z-abc/000000000042.json", new string('b', 64)),
        },
    };

    [Fact]
    public void A_seal_is_stored_by_day_and_second()
    {
        Assert.Equal("seals/2026-03-02/20260302T080005Z.json", Sample.Key);
    }

    [Fact]
    public async Task A_signed_seal_read_back_verifies_and_a_changed_one_does_not()
    {
        using var signer = new EcdsaSigner();
        var signature = await signer.SignAsync(Sample.SigningMessage(), CancellationToken.None);
        var signed = Sample with { Signature = new DigestSignature(signer.KeyId, DigestDocument.SigningAlgorithm, Convert.ToBase64String(signature)) };

        var read = SealDocument.Parse(signed.ToJson(), "test");
        var verifier = new DigestVerifier(signer.PublicKey);

        Assert.Equal(signed.ToJson(), read.ToJson());
        Assert.Equal(signed.ToLink(), read.ToLink());
        Assert.Equal(DigestSignatureCheck.Valid, verifier.CheckSignature(read));
        Assert.Equal(DigestSignatureCheck.Invalid, verifier.CheckSignature(read with { Heads = Array.Empty<SealedHead>() }));
        Assert.Equal(DigestSignatureCheck.Invalid, verifier.CheckSignature(read with { NextSealBy = read.NextSealBy.AddDays(1) }));
        Assert.Equal(DigestSignatureCheck.Unsigned, verifier.CheckSignature(SealDocument.Parse(Sample.ToJson(), "test")));
    }

    [Fact]
    public async Task A_seal_signature_does_not_verify_for_a_digest_with_the_same_bytes_hashed()
    {
        using var signer = new EcdsaSigner();
        var signature = new DigestSignature(signer.KeyId, DigestDocument.SigningAlgorithm,
            Convert.ToBase64String(await signer.SignAsync(Sample.SigningMessage(), CancellationToken.None)));
        var verifier = new DigestVerifier(signer.PublicKey);

        // Domain separation: the same signature over a digest's statement of the same canonical hash fails.
        var digestStatement = System.Text.Encoding.UTF8.GetBytes("order-monitoring-digest-v1:" + OrderMonitoring.Aws.Sha256Hex.Of(Sample.CanonicalBytes()));
        Assert.Equal(DigestSignatureCheck.Invalid, verifier.CheckSignature(digestStatement, signature));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"schemaVersion\":1}")]
    [InlineData("not json")]
    public void Text_that_is_no_seal_is_an_InvalidDataException(string json) =>
        Assert.Throws<InvalidDataException>(() => SealDocument.Parse(json, "s3://bucket/seals/x.json"));
}
