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
        : base(StringComparer.OrdinalIgnoreCase) => _json = json;

    /// <summary>The item as compact JSON (DynamoDB attribute names and values, numbers with every digit).</summary>
    public override string ToString() => _json;
}
