using System.Security.Cryptography;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Tests.Fakes;

namespace OrderMonitoring.Processor.Tests;

/// <summary>The public-key file an auditor verifies with: written as .NET and OpenSSL write it, read back to the same key.</summary>
public sealed class PublicKeyPemTests
{
    [Fact]
    public void A_key_written_as_PEM_is_what_dotnet_writes_and_reads_back_to_the_same_DER()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = key.ExportSubjectPublicKeyInfo();

        var pem = PublicKeyPem.Write(der);

        Assert.Equal(PemEncoding.WriteString("PUBLIC KEY", der) + "\n", pem);
        Assert.Equal(der, PublicKeyPem.Read(pem));
        using var imported = ECDsa.Create();
        imported.ImportFromPem(pem);
        Assert.Equal(der, imported.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task A_file_with_CRLF_lines_and_explanations_around_the_block_reads_and_verifies_a_signature()
    {
        using var signer = new EcdsaSigner();
        var message = "digest"u8.ToArray();
        var signature = await signer.SignAsync(message, CancellationToken.None);
        var pem = "Digest signing key of order-monitoring-prod\r\n" + PublicKeyPem.Write(signer.PublicKey).Replace("\n", "\r\n") + "checked 2026-12-07\r\n";

        var verifier = new DigestVerifier(PublicKeyPem.Read(pem));

        Assert.Equal(DigestSignatureCheck.Valid, verifier.CheckSignature(message, new DigestSignature(signer.KeyId, DigestDocument.SigningAlgorithm, Convert.ToBase64String(signature))));
    }

    [Theory]
    [InlineData("no pem here", "not PEM")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "no \"PUBLIC KEY\" block")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n", "no \"-----END PUBLIC KEY-----\"")]
    [InlineData("-----BEGIN PUBLIC KEY-----\n%%%%\n-----END PUBLIC KEY-----\n", "not valid base64")]
    [InlineData("-----BEGIN PUBLIC KEY-----\n\n-----END PUBLIC KEY-----\n", "empty")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "more than one")]
    public void Text_that_holds_no_single_public_key_says_why(string pem, string why)
    {
        var error = Assert.Throws<FormatException>(() => PublicKeyPem.Read(pem));

        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fingerprint_is_the_SHA256_of_the_DER_bytes_in_hex()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = key.ExportSubjectPublicKeyInfo();

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(der)), PublicKeyPem.Fingerprint(der));
    }
}
