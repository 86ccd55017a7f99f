namespace OrderMonitoring.Processor.Digests;

/// <summary>Signs digests (KMS in production, a fake or a local key in tests).</summary>
public interface IDigestSigner
{
    /// <summary>The key that signs: written into each signature so a verifier knows which public key to use.</summary>
    string KeyId { get; }

    /// <summary>
    /// The ECDSA_SHA_256 signature of <paramref name="message"/> in DER form (what KMS returns); throws when the key
    /// cannot sign now (throttled, unreachable, disabled, not allowed).
    /// </summary>
    Task<byte[]> SignAsync(byte[] message, CancellationToken cancellationToken);
}
