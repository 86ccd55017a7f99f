namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>S3's stored SHA-256 checksum (base64) as the hex the digests use.</summary>
internal static class StoredChecksum
{
    /// <summary>
    /// The hex SHA-256, or null when there is none or it is not a whole object's (a multipart upload's checksum is a
    /// checksum of checksums, written "&lt;base64&gt;-&lt;parts&gt;": never the hash of the bytes).
    /// </summary>
    public static string? ToHex(string? base64)
    {
        if (string.IsNullOrEmpty(base64) || base64!.IndexOf('-') >= 0)
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromBase64String(base64);
            return bytes.Length == 32 ? string.Concat(bytes.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
