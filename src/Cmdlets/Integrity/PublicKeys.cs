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
}
