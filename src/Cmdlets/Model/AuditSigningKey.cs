namespace OrderMonitoring;

/// <summary>
/// A signing key's public key written as PEM by Export-OrderAuditSigningKey (OrderMonitoring.AuditSigningKey): what an
/// auditor verifies digests (Role Digest) or repair records (Role Repair) with, without any KMS permission.
/// </summary>
public sealed class AuditSigningKey
{
    /// <summary>The stack whose key it is.</summary>
    public string StackName { get; init; } = "";

    /// <summary>Digest (signs the processor's digests) or Repair (signs Repair-OrderAuditLog's repair records).</summary>
    public string Role { get; init; } = "";

    /// <summary>The KMS key's ARN.</summary>
    public string KeyArn { get; init; } = "";

    /// <summary>The key's spec, ECC_NIST_P256.</summary>
    public string KeySpec { get; init; } = "";

    /// <summary>The PEM file written.</summary>
    public string Path { get; init; } = "";

    /// <summary>SHA-256 of the DER public key in hex: what <c>openssl pkey -pubin -in file -outform DER | sha256sum</c> prints, to compare keys out of band.</summary>
    public string Fingerprint { get; init; } = "";
}
