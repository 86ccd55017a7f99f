using System.Security.Cryptography;
using System.Text;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Tests.Fakes;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Processor.Tests;

/// <summary>The digest document's text, its canonical bytes, reading it back, and the verifier's two DER readers.</summary>
public sealed class DigestDocumentTests
{
    private static readonly DigestDocument Sample = new()
    {
        Chain = "20260301T120000Z-abc",
        Position = 7,
        Environment = "prod",
        StreamArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/order-events-prod/stream/2026-03-01T00:00:00.000",
        WrittenAt = new DateTimeOffset(2026, 3, 1, 12, 0, 0, 250, TimeSpan.Zero),
        Previous = new DigestLink("digests/2026-03-01/20260301T120000Z-abc/000000000006.json", new string('a', 64)),
        Objects =
        [
            new DigestEntry("orders/caf%C3%A9/0000000000000000000000000000000000000042.json", new string('b', 64), "42", "e-1"),
            new DigestEntry("quarantine/unsequenced/" + new string('c', 64) + ".json", new string('d', 64), null, null),
        ],
        Signature = new DigestSignature("arn:aws:kms:eu-west-1:123456789012:key/k", DigestDocument.SigningAlgorithm, "MEUCIQ=="),
    };

    [Fact]
    public void The_canonical_bytes_are_every_field_but_the_signature_in_one_fixed_form()
    {
        const string Expected = """{"schemaVersion":1,"chain":"20260301T120000Z-abc","position":7,"environment":"prod","streamArn":"arn:aws:dynamodb:eu-west-1:123456789012:table/order-events-prod/stream/2026-03-01T00:00:00.000","shardId":null,"writtenAt":"2026-03-01T12:00:00.250Z","previous":{"key":"digests/2026-03-01/20260301T120000Z-abc/000000000006.json","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},"objects":[{"key":"orders/caf%C3%A9/0000000000000000000000000000000000000042.json","sha256":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","sequenceNumber":"42","eventId":"e-1"},{"key":"quarantine/unsequenced/cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc.json","sha256":"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd","sequenceNumber":null,"eventId":null}]}""";

        Assert.Equal(Expected, Encoding.UTF8.GetString(Sample.CanonicalBytes()));
        Assert.Equal(Expected.TrimEnd('}') + ""","signature":{"keyId":"arn:aws:kms:eu-west-1:123456789012:key/k","algorithm":"ECDSA_SHA_256","value":"MEUCIQ=="}}""", Sample.ToJson());
    }

    [Fact]
    public void A_stored_digest_read_back_has_the_same_canonical_bytes_and_stored_text()
    {
        var read = DigestDocument.Parse(Sample.ToJson(), "sample");

        Assert.Equal(Sample.CanonicalBytes(), read.CanonicalBytes());
        Assert.Equal(Sample.ToJson(), read.ToJson());
        Assert.Equal(Sample.Key, read.Key);
        Assert.Equal("digests/2026-03-01/20260301T120000Z-abc/000000000007.json", read.Key);

        var unsigned = Sample with { Signature = null, Unsigned = "signing with k failed: ThrottlingException: slow down" };
        var readUnsigned = DigestDocument.Parse(unsigned.ToJson(), "unsigned");
        Assert.Equal((unsigned.Unsigned, (DigestSignature?)null), (readUnsigned.Unsigned, readUnsigned.Signature));
        Assert.Equal(unsigned.CanonicalBytes(), readUnsigned.CanonicalBytes());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"schemaVersion\":1}")]
    [InlineData("not json")]
    public void Text_that_is_no_digest_is_an_InvalidDataException_naming_the_source(string json) =>
        Assert.Contains("digests/x.json", Assert.Throws<InvalidDataException>(() => DigestDocument.Parse(json, "digests/x.json")).Message, StringComparison.Ordinal);

    [Fact]
    public void Digest_keys_list_by_day_then_chain_then_position_and_refuse_unsafe_chain_ids()
    {
        var day = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero);
        var keys = new[]
        {
            AuditKey.ForDigest("20261231T010000Z-b", 10, day),
            AuditKey.ForDigest("20261231T000000Z-a", 2, day),
            AuditKey.ForDigest("20261231T000000Z-a", 11, day),
            AuditKey.ForDigest("20261231T000000Z-a", 3, day.AddSeconds(1)),
        };

        Assert.Equal(
            [
                "digests/2026-12-31/20261231T000000Z-a/000000000002.json",
                "digests/2026-12-31/20261231T000000Z-a/000000000011.json",
                "digests/2026-12-31/20261231T010000Z-b/000000000010.json",
                "digests/2027-01-01/20261231T000000Z-a/000000000003.json",
            ],
            keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Throws<ArgumentException>(() => AuditKey.ForDigest("../orders", 1, day));
        Assert.Throws<ArgumentException>(() => AuditKey.ForDigest("", 1, day));
        Assert.Throws<ArgumentOutOfRangeException>(() => AuditKey.ForDigest("a", 0, day));
    }

    [Fact]
    public void A_chain_started_on_a_clock_is_named_by_its_start_time()
    {
        var chain = DigestChain.Start(new SteppingTime(new DateTimeOffset(2026, 3, 1, 12, 30, 5, TimeSpan.Zero)));

        Assert.StartsWith("20260301T123005Z-", chain.Id, StringComparison.Ordinal);
        Assert.True(AuditKey.IsValidChainId(chain.Id));
    }

    [Fact]
    public async Task A_signature_that_is_not_one_is_invalid_and_a_wrong_key_refuses_a_real_one()
    {
        using var signer = new EcdsaSigner();
        using var other = new EcdsaSigner();
        var message = Sample with { Signature = null };
        var real = message with { Signature = new DigestSignature(signer.KeyId, DigestDocument.SigningAlgorithm, Convert.ToBase64String(await signer.SignAsync(message.SigningMessage(), CancellationToken.None))) };

        Assert.Equal(DigestSignatureCheck.Valid, new DigestVerifier(signer.PublicKey).CheckSignature(real));
        Assert.Equal(DigestSignatureCheck.Invalid, new DigestVerifier(other.PublicKey).CheckSignature(real));
        Assert.Equal(DigestSignatureCheck.Invalid, new DigestVerifier(signer.PublicKey).CheckSignature(real with { Signature = real.Signature! with { Value = "MAYCAQECAQE=" } }));
        Assert.Equal(DigestSignatureCheck.Invalid, new DigestVerifier(signer.PublicKey).CheckSignature(real with { Signature = real.Signature! with { Value = "not base64!" } }));
        Assert.Equal(DigestSignatureCheck.Invalid, new DigestVerifier(signer.PublicKey).CheckSignature(real with { Signature = real.Signature! with { Algorithm = "RSASSA_PSS_SHA_256" } }));
        Assert.Equal(DigestSignatureCheck.Invalid, new DigestVerifier(signer.PublicKey).CheckSignature(real with { Environment = "dev" }));
    }

    [Fact]
    public void The_hand_written_DER_readers_agree_with_the_framework()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: false);

        var read = P256Der.ReadPublicKey(key.ExportSubjectPublicKeyInfo());
        Assert.Equal(parameters.Q.X, read.Q.X);
        Assert.Equal(parameters.Q.Y, read.Q.Y);
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, read.Curve.Oid.Value);

        for (var i = 0; i < 50; i++)
        {
            var message = Encoding.UTF8.GetBytes("message " + i);
            var der = key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            Assert.True(P256Der.TryReadSignature(der, out var p1363));
            Assert.True(key.VerifyData(message, p1363, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }

        Assert.False(P256Der.TryReadSignature([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01], out _));
        using var rsa = RSA.Create(2048);
        Assert.Throws<CryptographicException>(() => P256Der.ReadPublicKey(rsa.ExportSubjectPublicKeyInfo()));
    }
}
