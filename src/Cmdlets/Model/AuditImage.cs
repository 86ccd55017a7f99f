using System.Collections.Specialized;

namespace OrderMonitoring;

/// <summary>
/// An order image: an ordered hashtable whose text form is the item as compact JSON, so Export-Csv, string expansion
/// and Out-String show the item instead of the type name "System.Collections.Specialized.OrderedDictionary".
/// </summary>
public sealed class AuditImage : OrderedDictionary
{
    private readonly string _json;

    /// <summary>An empty image whose text form is <paramref name="json"/>; keys compare case-insensitively.</summary>
    public AuditImage(string json)
        : this(json, caseSensitiveKeys: false)
    {
    }

    /// <summary>
    /// An empty image whose text form is <paramref name="json"/>. Keys compare case-sensitively when
    /// <paramref name="caseSensitiveKeys"/> is set: for an item whose attribute names differ only by case, which DynamoDB
    /// keeps apart and a case-insensitive hashtable would merge into one.
    /// </summary>
    public AuditImage(string json, bool caseSensitiveKeys)
        : base(caseSensitiveKeys ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase) => _json = json;

    /// <summary>The item as compact JSON (DynamoDB attribute names and values, numbers with every digit).</summary>
    public override string ToString() => _json;
}
