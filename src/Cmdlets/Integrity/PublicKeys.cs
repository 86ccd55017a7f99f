using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>Where a signing key's public key comes from (KMS in production, fakes in tests).</summary>
internal interface IPublicKeySource
{
    /// <summary>The DER SubjectPublicKeyInfo of <paramref name="keyId"/> (kms:GetPublicKey).</summary>
    Task<byte[]> GetPublicKeyAsync(string keyId, CancellationToken cancellationToken);
}

/// <summary><see cref="IPublicKeySource"/> on KMS: needs kms:GetPublicKey only, never kms:Sign.</summary>
internal sealed class KmsPublicKeySource(Func<IAmazonKeyManagementService> kms) : IPublicKeySource
{
    public async Task<byte[]> GetPublicKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var response = await kms().GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = keyId }, cancellationToken).ConfigureAwait(false);
        return response.PublicKey.ToArray();
    }
}

/// <summary>A public-key file an auditor is handed (what Export-OrderAuditSigningKey writes), read for verification.</summary>
internal static class PublicKeyFile
{
    /// <summary>The DER key in a PEM file; a file that is no public key is an InvalidArgument error naming the parameter.</summary>
    public static byte[] Read(string path, string parameter)
    {
        try
        {
            return PublicKeyPem.Read(File.ReadAllText(path));
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new OrderMonitoringException("PublicKeyUnreadable", FailureKind.InvalidArgument, $"{parameter} '{path}' is not a readable PEM public key: {unreadable.Message}",
                "Give the file Export-OrderAuditSigningKey (or kms:GetPublicKey) wrote.");
        }
    }

    /// <summary>The verifier for the key in a PEM file; a file that is no ECC_NIST_P256 public key is PublicKeyUnreadable naming the parameter.</summary>
    public static DigestVerifier Verifier(string path, string parameter)
    {
        try
        {
            return new DigestVerifier(Read(path, parameter));
        }
        catch (System.Security.Cryptography.CryptographicException notP256)
        {
            throw new OrderMonitoringException("PublicKeyUnreadable", FailureKind.InvalidArgument, $"{parameter} '{path}' is not an ECC_NIST_P256 public key: {notP256.Message}",
                "Give the ECC_NIST_P256 public key the stack signs with (Export-OrderAuditSigningKey, or kms:GetPublicKey).");
        }
    }
}
