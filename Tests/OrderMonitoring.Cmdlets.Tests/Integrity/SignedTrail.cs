using System.Security.Cryptography;
using System.Text;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Tests.Reconciliation;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>
/// Writes digests into a fake bucket the way the processor does (one chain, each digest naming the one before by key
/// and hash), signed with a local P-256 key like a KMS ECC_NIST_P256 key; and repair records signed with another.
/// </summary>
internal sealed class SignedTrail : IDisposable
{
    private readonly ECDsa _digestKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _repairKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly FakeVersionStore _store;
    private readonly Dictionary<string, (long Position, DigestLink? Previous)> _chains = new(StringComparer.Ordinal);

    public SignedTrail(FakeVersionStore store) => _store = store;

    public string Chain { get; set; } = "20260301T120000Z-aaaaaaaaaaaa";

    public byte[] DigestPublicKey => _digestKey.ExportSubjectPublicKeyInfo();

    public byte[] RepairPublicKey => _repairKey.ExportSubjectPublicKeyInfo();

    public VerificationKeys Keys => new(new DigestVerifier(DigestPublicKey), new DigestVerifier(RepairPublicKey));

    /// <summary>A digest of the keys' current bytes, written at the store's clock; returns the digest.</summary>
    public DigestDocument Digest(IEnumerable<string> keys, bool unsigned = false, string? chain = null)
    {
        var id = chain ?? Chain;
        var (position, previous) = _chains.TryGetValue(id, out var state) ? state : (0, null);
        var document = new DigestDocument
        {
            Chain = id,
            Position = position + 1,
            Environment = "dev",
            WrittenAt = new DateTimeOffset(_store.Now, TimeSpan.Zero),
            Previous = previous,
            Objects = keys.Select(key => new DigestEntry(key, Sha256Hex.Of(Encoding.UTF8.GetBytes(_store.Current(key)!)), SequenceOf(key), "evt-" + SequenceOf(key))).ToList(),
        };
        document = unsigned ? document with { Unsigned = "simulated: throttled" } : Signed(document);
        _store.Put(document.Key, document.ToJson());
        foreach (var entry in document.Objects)
        {
            // The processor names the digest in each object's metadata.
            _store.DigestKeys[_store.VersionIds(entry.Key)[^1]] = document.Key;
        }

        _chains[id] = (document.Position, document.ToLink());
        return document;
    }

    /// <summary>The document signed with the digest key (for tests that forge or re-sign).</summary>
    public DigestDocument Signed(DigestDocument document) =>
        document with { Unsigned = null, Signature = new DigestSignature("arn:aws:kms:us-east-1:123456789012:key/digest", DigestDocument.SigningAlgorithm,
            Convert.ToBase64String(_digestKey.SignData(document.SigningMessage(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))) };

    /// <summary>The seal signed with the digest key (its own statement: a seal's signature never verifies as a digest's).</summary>
    public SealDocument Signed(SealDocument seal) =>
        seal with { Unsigned = null, Signature = new DigestSignature("arn:aws:kms:us-east-1:123456789012:key/digest", DigestDocument.SigningAlgorithm,
            Convert.ToBase64String(_digestKey.SignData(seal.SigningMessage(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))) };

    /// <summary>A repair record signed with the repair key (or, with <paramref name="withDigestKey"/>, wrongly with the digest key).</summary>
    public RepairRecord Repair(RepairRecord record, bool withDigestKey = false)
    {
        var key = withDigestKey ? _digestKey : _repairKey;
        var signed = record with { Signature = new DigestSignature("arn:aws:kms:us-east-1:123456789012:key/repair", DigestDocument.SigningAlgorithm,
            Convert.ToBase64String(key.SignData(record.SigningMessage(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))) };
        _store.Put(signed.StorageKey, signed.ToJson());
        return signed;
    }

    private static string? SequenceOf(string key) => Processor.Audit.AuditKey.SequenceOf(key)?.TrimStart('0');

    public void Dispose()
    {
        _digestKey.Dispose();
        _repairKey.Dispose();
    }
}
