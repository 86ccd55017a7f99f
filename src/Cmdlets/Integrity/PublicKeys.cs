using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using OrderMonitoring.Cmdlets.Foundation;

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

/// <summary>A public key as PEM ("-----BEGIN PUBLIC KEY-----", base64 of the DER SubjectPublicKeyInfo): what an auditor is handed instead of KMS access.</summary>
internal static class PublicKeyPem
{
    private const string Begin = "-----BEGIN PUBLIC KEY-----";
    private const string End = "-----END PUBLIC KEY-----";

    public static string Write(byte[] subjectPublicKeyInfo)
    {
        var base64 = Convert.ToBase64String(subjectPublicKeyInfo);
        var lines = Enumerable.Range(0, (base64.Length + 63) / 64).Select(i => base64.Substring(i * 64, Math.Min(64, base64.Length - (i * 64))));
        return Begin + "\n" + string.Join("\n", lines) + "\n" + End + "\n";
    }

    /// <summary>The DER bytes of the first public key in <paramref name="pem"/>; throws <see cref="FormatException"/> when there is none.</summary>
    public static byte[] Read(string pem)
    {
        var start = pem?.IndexOf(Begin, StringComparison.Ordinal) ?? -1;
        var end = start < 0 ? -1 : pem!.IndexOf(End, start, StringComparison.Ordinal);
        if (start < 0 || end < 0)
        {
            throw new FormatException($"no '{Begin}' block");
        }

        var body = pem!.Substring(start + Begin.Length, end - start - Begin.Length);
        return Convert.FromBase64String(new string(body.Where(c => !char.IsWhiteSpace(c)).ToArray()));
    }

    /// <summary>Reads a PEM file; a file that is no public key is an InvalidArgument error naming the parameter.</summary>
    public static byte[] ReadFile(string path, string parameter)
    {
        try
        {
            return Read(File.ReadAllText(path));
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new OrderMonitoringException("PublicKeyUnreadable", FailureKind.InvalidArgument, $"{parameter} '{path}' is not a readable PEM public key: {unreadable.Message}",
                "Give the file Export-OrderAuditSigningKey (or kms:GetPublicKey) wrote.");
        }
    }
}
