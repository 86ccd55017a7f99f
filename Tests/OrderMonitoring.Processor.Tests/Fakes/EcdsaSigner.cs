using System.Security.Cryptography;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Processor.Tests.Fakes;

/// <summary>
/// Signs like a KMS ECC_NIST_P256 key (ECDSA over SHA-256, DER signature) with a local key; counts calls, and can be
/// told to fail (throttled, unreachable) or to return bytes that are no signature at all.
/// </summary>
internal sealed class EcdsaSigner : IDigestSigner, IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private int _calls;

    public string KeyId { get; init; } = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";

    /// <summary>Decides per call (1-based) whether it throws.</summary>
    public Func<int, bool> FailWhen { get; set; } = _ => false;

    /// <summary>When set, returned instead of a signature.</summary>
    public byte[]? Forged { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public List<byte[]> Messages { get; } = [];

    /// <summary>The public key as kms:GetPublicKey returns it (DER SubjectPublicKeyInfo).</summary>
    public byte[] PublicKey => _key.ExportSubjectPublicKeyInfo();

    public Task<byte[]> SignAsync(byte[] message, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        lock (Messages)
        {
            Messages.Add(message);
        }

        if (FailWhen(call))
        {
            throw new Amazon.KeyManagementService.Model.KMSInvalidStateException("simulated: the key is disabled");
        }

        return Task.FromResult(Forged ?? _key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    public void Dispose() => _key.Dispose();
}
