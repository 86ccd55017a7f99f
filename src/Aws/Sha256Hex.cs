using System.Security.Cryptography;
using System.Text;

namespace OrderMonitoring.Aws;

/// <summary>The one SHA-256 helper: a digest as lower-case hex (content-addressed keys, file names, key suffixes).</summary>
public static class Sha256Hex
{
    /// <summary>The 64 hex digits of the bytes' SHA-256.</summary>
    public static string Of(byte[] bytes)
    {
        using var sha = SHA256.Create();
        return ToHex(sha.ComputeHash(bytes ?? throw new ArgumentNullException(nameof(bytes))));
    }

    /// <summary>The 64 hex digits of the SHA-256 of everything the stream has left.</summary>
    public static string Of(Stream content)
    {
        using var sha = SHA256.Create();
        return ToHex(sha.ComputeHash(content ?? throw new ArgumentNullException(nameof(content))));
    }

    /// <summary>The SHA-256 of everything the stream has left, in base64: the form S3 checksums (x-amz-checksum-sha256) take.</summary>
    public static string Base64Of(Stream content)
    {
        using var sha = SHA256.Create();
        return Convert.ToBase64String(sha.ComputeHash(content ?? throw new ArgumentNullException(nameof(content))));
    }

    /// <summary>The 64 hex digits of the SHA-256 of the text's UTF-8 bytes.</summary>
    public static string OfUtf8(string text) => Of(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))));

    private static string ToHex(byte[] hash)
    {
        var hex = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }
}
