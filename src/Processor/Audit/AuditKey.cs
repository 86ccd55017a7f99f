using System.Text;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Processor.Audit;

/// <summary>
/// The one place that decides S3 keys. Audit objects live at <c>orders/&lt;encoded order id&gt;/&lt;sequence&gt;.json</c>:
/// the order id is percent-encoded so it is always exactly one safe path segment, and the stream sequence number
/// is zero-padded to 40 digits so S3's byte-order listing is stream order. A retried record gets the same key.
/// </summary>
public static class AuditKey
{
    /// <summary>The prefix under which every audit object lives.</summary>
    public const string OrdersPrefix = "orders/";

    /// <summary>The prefix under which records that cannot be audited as orders are kept whole.</summary>
    public const string QuarantinePrefix = "quarantine/";

    /// <summary>The prefix under which the processor's signed digests live (see <see cref="ForDigest"/>).</summary>
    public const string DigestsPrefix = "digests/";

    /// <summary>The prefix under which the processor's signed seals of every chain's head live (see <see cref="ForSeal"/>).</summary>
    public const string SealsPrefix = "seals/";

    // DynamoDB Streams sequence numbers are 21 to 40 decimal digits.
    private const int SequenceWidth = 40;

    // Keeps "orders/" + id + "/" + sequence + ".json" far below S3's 1,024-byte key limit.
    private const int MaxEncodedIdLength = 400;
    private const int KeptPrefixLength = 300;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The listing prefix of one order's audit objects (what Get-OrderAuditLog lists).</summary>
    public static string OrderPrefix(string orderId) => OrdersPrefix + EncodeOrderId(orderId) + "/";

    /// <summary>The key of the audit object for one stream record of an order.</summary>
    public static string ForRecord(string orderId, string sequenceNumber) =>
        OrderPrefix(orderId) + SortableSequence(sequenceNumber) + ".json";

    /// <summary>
    /// The key of a reconciliation record (written by Repair-OrderAuditLog, not from the stream): right after the
    /// order's newest stream record known at repair time (<paramref name="afterSequenceNumber"/>, null when the order
    /// has none), so the listing still shows the history in the order it happened, and before any later stream record.
    /// The rest is derived from what the record states, so repairing the same finding again names the same key.
    /// </summary>
    public static string ForReconciliation(string orderId, string? afterSequenceNumber, string timestamp, string eventType, string? imageJson) =>
        OrderPrefix(orderId) + SortableSequence(afterSequenceNumber ?? "0") + ReconciledMarker
        + Sha256Hex.Of(StrictUtf8.GetBytes(timestamp + "\n" + eventType + "\n" + (imageJson ?? "null"))) + ".json";

    /// <summary>
    /// The key of a digest: <c>digests/&lt;yyyy-MM-dd&gt;/&lt;chain&gt;/&lt;position, 12 digits&gt;.json</c>. The UTC day
    /// of the batch comes first, so a period is read by its days' prefixes alone; a chain id begins with its start time,
    /// so a day lists its chains in the order they began, and each chain's digests in the order they were written.
    /// </summary>
    public static string ForDigest(string chainId, long position, DateTimeOffset writtenAt)
    {
        if (!IsValidChainId(chainId))
        {
            throw new ArgumentException("A chain id is 1 to 64 ASCII letters, digits, '-' or '_'.", nameof(chainId));
        }

        if (position < 1 || position > 999_999_999_999)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, "A digest's position in its chain is 1 to 12 digits.");
        }

        return DigestsPrefix + writtenAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "/" + chainId + "/"
            + position.ToString("D12", System.Globalization.CultureInfo.InvariantCulture) + ".json";
    }

    /// <summary>
    /// The key of a seal: <c>seals/&lt;yyyy-MM-dd&gt;/&lt;yyyyMMddTHHmmssZ&gt;.json</c> by the second it was sealed, so
    /// a day lists its seals in the order they were written and two sealers in the same second cannot both write
    /// (the writer uses If-None-Match: *).
    /// </summary>
    public static string ForSeal(DateTimeOffset sealedAt) =>
        SealsPrefix + sealedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "/"
        + sealedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture) + ".json";

    /// <summary>True for a chain id <see cref="ForDigest"/> accepts: one safe path segment.</summary>
    public static bool IsValidChainId(string? chainId) =>
        !string.IsNullOrEmpty(chainId) && chainId!.Length <= 64
        && chainId.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_');

    /// <summary>
    /// The stream sequence number a key under <see cref="OrdersPrefix"/> is ordered by (40 digits), or null for a
    /// key this scheme did not make.
    /// </summary>
    public static string? SequenceOf(string key)
    {
        var name = key?.Substring(key.LastIndexOf('/') + 1) ?? string.Empty;
        return name.Length >= SequenceWidth + ".json".Length && IsValidSequenceNumber(name.Substring(0, SequenceWidth))
            ? name.Substring(0, SequenceWidth)
            : null;
    }

    /// <summary>True for a key <see cref="ForReconciliation"/> makes.</summary>
    public static bool IsReconciliationKey(string key) => key is not null && key.IndexOf(ReconciledMarker, StringComparison.Ordinal) > 0;

    // '~' sorts after ".json", so a reconciliation record follows the stream record it was written after.
    private const string ReconciledMarker = "~reconciled-";

    /// <summary>
    /// The key for a record kept in quarantine: by sequence number when it has a valid one,
    /// else by a hash of the record's own JSON, so the same record always lands on the same key.
    /// </summary>
    public static string ForQuarantine(string? sequenceNumber, string recordJson) =>
        IsValidSequenceNumber(sequenceNumber)
            ? QuarantinePrefix + SortableSequence(sequenceNumber!) + ".json"
            : QuarantinePrefix + "unsequenced/" + Sha256Hex.Of(StrictUtf8.GetBytes(recordJson)) + ".json";

    /// <summary>True for a sequence number the key scheme accepts: 1 to 40 decimal digits.</summary>
    public static bool IsValidSequenceNumber(string? sequenceNumber)
    {
        if (string.IsNullOrEmpty(sequenceNumber) || sequenceNumber!.Length > SequenceWidth)
        {
            return false;
        }

        foreach (var c in sequenceNumber)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// One path segment for an order id: ASCII letters, digits, '-', '_' and '.' stay, every other UTF-8 byte
    /// becomes %XX (so '/', '%', spaces, control characters and non-ASCII cannot add levels or break tools),
    /// "." and ".." are encoded whole, and ids longer than the limit keep a readable head plus a SHA-256 of the
    /// full id after a '~' (which plain encoding never produces, so shortened and full forms never meet).
    /// </summary>
    public static string EncodeOrderId(string orderId)
    {
        if (string.IsNullOrEmpty(orderId))
        {
            throw new ArgumentException("An order id must not be empty.", nameof(orderId));
        }

        var bytes = StrictUtf8.GetBytes(orderId);
        var encoded = new StringBuilder(bytes.Length);
        var onlyDots = orderId.Trim('.').Length == 0;
        foreach (var b in bytes)
        {
            if (IsUnreserved(b) && !(onlyDots && b == (byte)'.'))
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (encoded.Length <= MaxEncodedIdLength)
        {
            return encoded.ToString();
        }

        var head = encoded.ToString(0, KeptPrefixLength);
        // Never cut a %XX escape in half.
        var lastEscape = head.LastIndexOf('%');
        if (lastEscape > KeptPrefixLength - 3)
        {
            head = head.Substring(0, lastEscape);
        }

        return head + "~" + Sha256Hex.Of(bytes);
    }

    private static bool IsUnreserved(byte b) =>
        (b >= (byte)'a' && b <= (byte)'z') || (b >= (byte)'A' && b <= (byte)'Z') || (b >= (byte)'0' && b <= (byte)'9')
        || b == (byte)'-' || b == (byte)'_' || b == (byte)'.';

    private static string SortableSequence(string sequenceNumber)
    {
        if (!IsValidSequenceNumber(sequenceNumber))
        {
            throw new ArgumentException("A sequence number must be 1 to 40 decimal digits.", nameof(sequenceNumber));
        }

        var digits = sequenceNumber.TrimStart('0');
        return digits.PadLeft(SequenceWidth, '0');
    }
}
