using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace OrderMonitoring.Processor.Digests;

/// <summary>
/// Signs with a KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY) through <c>kms:Sign</c>: one call per digest, that is
/// one per batch (and one more only when some writes of the batch failed), never one per record.
/// </summary>
public sealed class KmsDigestSigner : IDigestSigner
{
    private readonly IAmazonKeyManagementService _kms;

    public KmsDigestSigner(IAmazonKeyManagementService kms, string keyId)
    {
        _kms = kms ?? throw new ArgumentNullException(nameof(kms));
        KeyId = string.IsNullOrWhiteSpace(keyId) ? throw new ArgumentException("A signing key id is required.", nameof(keyId)) : keyId;
    }

    public string KeyId { get; }

    public async Task<byte[]> SignAsync(byte[] message, CancellationToken cancellationToken)
    {
        // RAW: KMS hashes the (short) message itself; DigestDocument keeps every message far below the 4,096-byte limit.
        var response = await _kms.SignAsync(new SignRequest
        {
            KeyId = KeyId,
            Message = new MemoryStream(message ?? throw new ArgumentNullException(nameof(message))),
            MessageType = MessageType.RAW,
            SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256,
        }, cancellationToken).ConfigureAwait(false);
        return response.Signature.ToArray();
    }
}
