using System.Security.Cryptography;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Processor.Digests;

/// <summary>How a digest's signature stands.</summary>
public enum DigestSignatureCheck
{
    /// <summary>Signed, and the signature verifies with the public key.</summary>
    Valid,

    /// <summary>Written unsigned (signing failed); proven only when a later signed digest of its chain links to it.</summary>
    Unsigned,

    /// <summary>Signed, but the signature does not verify: the digest was changed or not signed by this key.</summary>
    Invalid,
}

/// <summary>
/// Checks digests with the signing key's public key only (what <c>kms:GetPublicKey</c> returns: a DER
/// SubjectPublicKeyInfo), so an auditor needs no KMS permission: the signature over the digest's canonical bytes, and
/// the chain link to the previous digest (key and SHA-256 of its exact stored bytes).
/// </summary>
public sealed class DigestVerifier
{
    private readonly byte[] _publicKey;

    /// <param name="subjectPublicKeyInfo">The P-256 public key as DER SubjectPublicKeyInfo.</param>
    public DigestVerifier(byte[] subjectPublicKeyInfo)
    {
        _publicKey = subjectPublicKeyInfo ?? throw new ArgumentNullException(nameof(subjectPublicKeyInfo));
        using var _ = Import(_publicKey);
    }

    public DigestSignatureCheck CheckSignature(DigestDocument digest) =>
        digest is null ? throw new ArgumentNullException(nameof(digest)) : CheckSignature(digest.SigningMessage(), digest.Signature);

    /// <summary>A seal's signature, checked with the digest key's public key (the processor signs seals too).</summary>
    public DigestSignatureCheck CheckSignature(SealDocument seal) =>
        seal is null ? throw new ArgumentNullException(nameof(seal)) : CheckSignature(seal.SigningMessage(), seal.Signature);

    /// <summary>A repair record's signature, checked with the repair key's public key.</summary>
    public DigestSignatureCheck CheckSignature(RepairRecord repair) =>
        repair is null ? throw new ArgumentNullException(nameof(repair)) : CheckSignature(repair.SigningMessage(), repair.Signature);

    /// <summary>Whether <paramref name="signature"/> (null: none) signs <paramref name="signingMessage"/> with this key.</summary>
    public DigestSignatureCheck CheckSignature(byte[] signingMessage, DigestSignature? signature)
    {
        if (signingMessage is null)
        {
            throw new ArgumentNullException(nameof(signingMessage));
        }

        if (signature is null)
        {
            return DigestSignatureCheck.Unsigned;
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(signature.Value);
        }
        catch (FormatException)
        {
            return DigestSignatureCheck.Invalid;
        }

        if (signature.Algorithm != DigestDocument.SigningAlgorithm)
        {
            return DigestSignatureCheck.Invalid;
        }

        using var key = Import(_publicKey);
        return Verify(key, signingMessage, der) ? DigestSignatureCheck.Valid : DigestSignatureCheck.Invalid;
    }

    /// <summary>
    /// True when <paramref name="digest"/> names <paramref name="previousKey"/> as its previous digest and
    /// <paramref name="previousBytes"/> (that object's stored bytes) hash to the named SHA-256; for a chain's first
    /// digest pass nulls (then it must name none).
    /// </summary>
    public static bool FollowsFrom(DigestDocument digest, string? previousKey, byte[]? previousBytes)
    {
        if (digest is null)
        {
            throw new ArgumentNullException(nameof(digest));
        }

        if (previousKey is null || previousBytes is null)
        {
            // A chain's first written digest (a batch whose digest could not be written leaves its position unused).
            return digest.Previous is null;
        }

        return digest.Previous is { } link
            && string.Equals(link.Key, previousKey, StringComparison.Ordinal)
            && string.Equals(link.Sha256, Sha256Hex.Of(previousBytes), StringComparison.Ordinal);
    }

#if NET
    private static ECDsa Import(byte[] subjectPublicKeyInfo)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static bool Verify(ECDsa key, byte[] message, byte[] derSignature) =>
        key.VerifyData(message, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
#else
    // netstandard2.0 (the module on Windows PowerShell 5.1) has neither SubjectPublicKeyInfo import nor DER signatures.
    private static ECDsa Import(byte[] subjectPublicKeyInfo) => ECDsa.Create(P256Der.ReadPublicKey(subjectPublicKeyInfo));

    private static bool Verify(ECDsa key, byte[] message, byte[] derSignature) =>
        P256Der.TryReadSignature(derSignature, out var p1363) && key.VerifyData(message, p1363, HashAlgorithmName.SHA256);
#endif
}
