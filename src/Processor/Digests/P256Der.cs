using System.Security.Cryptography;

namespace OrderMonitoring.Processor.Digests;

/// <summary>
/// The two DER forms a P-256 verifier meets, read by hand for netstandard2.0 (which lacks the .NET APIs): the
/// SubjectPublicKeyInfo KMS returns and the Rfc3279 signature KMS makes. Compiled everywhere, so tests on .NET check it
/// against the framework's own readers.
/// </summary>
internal static class P256Der
{
    private const int CoordinateSize = 32;

    // SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (0 unused bits) 04 || X || Y }.
    private static readonly byte[] SubjectPublicKeyInfoPrefix =
    {
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D,
        0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
    };

    public static ECParameters ReadPublicKey(byte[] subjectPublicKeyInfo)
    {
        if (subjectPublicKeyInfo is null
            || subjectPublicKeyInfo.Length != SubjectPublicKeyInfoPrefix.Length + (2 * CoordinateSize)
            || !subjectPublicKeyInfo.Take(SubjectPublicKeyInfoPrefix.Length).SequenceEqual(SubjectPublicKeyInfoPrefix))
        {
            throw new CryptographicException("The public key is not an uncompressed ECC_NIST_P256 SubjectPublicKeyInfo.");
        }

        var offset = SubjectPublicKeyInfoPrefix.Length;
        return new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint
            {
                X = subjectPublicKeyInfo.Skip(offset).Take(CoordinateSize).ToArray(),
                Y = subjectPublicKeyInfo.Skip(offset + CoordinateSize).Take(CoordinateSize).ToArray(),
            },
        };
    }

    /// <summary>SEQUENCE { INTEGER r, INTEGER s } to r || s, each 32 bytes; false when it is not that shape.</summary>
    public static bool TryReadSignature(byte[] der, out byte[] p1363)
    {
        p1363 = new byte[2 * CoordinateSize];
        var position = 0;
        if (der is null || der.Length < 8 || der[position++] != 0x30 || !TryReadLength(der, ref position, out var sequenceLength)
            || position + sequenceLength != der.Length)
        {
            return false;
        }

        return TryReadInteger(der, ref position, p1363, 0) && TryReadInteger(der, ref position, p1363, CoordinateSize) && position == der.Length;
    }

    private static bool TryReadInteger(byte[] der, ref int position, byte[] target, int targetOffset)
    {
        if (position >= der.Length || der[position++] != 0x02 || !TryReadLength(der, ref position, out var length) || length < 1 || position + length > der.Length)
        {
            return false;
        }

        var value = der.Skip(position).Take(length).SkipWhile(b => b == 0).ToArray();
        position += length;
        if (value.Length > CoordinateSize)
        {
            return false;
        }

        Array.Copy(value, 0, target, targetOffset + CoordinateSize - value.Length, value.Length);
        return true;
    }

    // A P-256 signature is at most 72 bytes: short-form lengths, or one length byte after 0x81.
    private static bool TryReadLength(byte[] der, ref int position, out int length)
    {
        length = 0;
        if (position >= der.Length)
        {
            return false;
        }

        var first = der[position++];
        if (first < 0x80)
        {
            length = first;
            return true;
        }

        if (first != 0x81 || position >= der.Length)
        {
            return false;
        }

        length = der[position++];
        return true;
    }
}
