using System.Text;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Processor.Digests;

/// <summary>
/// A public key as PEM (RFC 7468 "PUBLIC KEY": base64 of the DER SubjectPublicKeyInfo that <c>kms:GetPublicKey</c>
/// returns), so an auditor verifies digests and repair records from a file, with no KMS permission. Written by
/// Export-OrderAuditSigningKey, read by Test-OrderAuditLog; <c>openssl pkey -pubin</c> reads the same file.
/// Hand-written because netstandard2.0 has no PEM support.
/// </summary>
public static class PublicKeyPem
{
    public const string Label = "PUBLIC KEY";

    private const string Begin = "-----BEGIN " + Label + "-----";
    private const string End = "-----END " + Label + "-----";

    // RFC 7468 writes 64 base64 characters a line.
    private const int LineLength = 64;

    /// <summary>The PEM text of <paramref name="subjectPublicKeyInfo"/>, lines ending in \n, with a final \n.</summary>
    public static string Write(byte[] subjectPublicKeyInfo)
    {
        if (subjectPublicKeyInfo is null || subjectPublicKeyInfo.Length == 0)
        {
            throw new ArgumentException("A public key (DER SubjectPublicKeyInfo) is required.", nameof(subjectPublicKeyInfo));
        }

        var base64 = Convert.ToBase64String(subjectPublicKeyInfo);
        var text = new StringBuilder(Begin).Append('\n');
        for (var at = 0; at < base64.Length; at += LineLength)
        {
            text.Append(base64, at, Math.Min(LineLength, base64.Length - at)).Append('\n');
        }

        return text.Append(End).Append('\n').ToString();
    }

    /// <summary>
    /// The DER SubjectPublicKeyInfo of the one PUBLIC KEY block in <paramref name="pem"/>. Text around the block
    /// (explanations, as RFC 7468 allows) and any line endings are accepted; no block, two blocks, another label
    /// (a private key, a certificate) or bad base64 is a <see cref="FormatException"/> saying which.
    /// </summary>
    public static byte[] Read(string pem)
    {
        if (pem is null)
        {
            throw new ArgumentNullException(nameof(pem));
        }

        var begin = pem.IndexOf(Begin, StringComparison.Ordinal);
        if (begin < 0)
        {
            throw new FormatException(pem.Contains("-----BEGIN ")
                ? $"The PEM text holds no \"{Label}\" block (only other kinds, such as a private key or a certificate)."
                : $"The text is not PEM: it has no \"{Begin}\" line.");
        }

        var bodyStart = begin + Begin.Length;
        var end = pem.IndexOf(End, bodyStart, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new FormatException($"The \"{Label}\" block has no \"{End}\" line.");
        }

        if (pem.IndexOf(Begin, end, StringComparison.Ordinal) >= 0)
        {
            throw new FormatException($"The PEM text holds more than one \"{Label}\" block; give one key a file.");
        }

        var body = new StringBuilder(end - bodyStart);
        foreach (var c in pem.Substring(bodyStart, end - bodyStart).Where(c => !char.IsWhiteSpace(c)))
        {
            body.Append(c);
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(body.ToString());
        }
        catch (FormatException invalid)
        {
            throw new FormatException($"The \"{Label}\" block is not valid base64: {invalid.Message}", invalid);
        }

        return der.Length > 0 ? der : throw new FormatException($"The \"{Label}\" block is empty.");
    }

    /// <summary>
    /// The key's SHA-256 fingerprint: lower-case hex of the hash of the DER bytes, what
    /// <c>openssl pkey -pubin -in key.pem -outform DER | sha256sum</c> prints, so two people can compare keys by phone.
    /// </summary>
    public static string Fingerprint(byte[] subjectPublicKeyInfo) => Sha256Hex.Of(subjectPublicKeyInfo);
}
