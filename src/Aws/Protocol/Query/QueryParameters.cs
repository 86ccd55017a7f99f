using System.Globalization;
using System.Text;

namespace OrderMonitoring.Aws.Protocol.Query;

/// <summary>
/// The form fields of one Query-protocol request, in order. Lists and maps are flattened the way the service models
/// say: <c>Name.member.1</c> for lists, <c>Name.entry.1.key</c>/<c>.value</c> for maps (names configurable per map).
/// Null values are left out, so optional members are only sent when set.
/// </summary>
internal sealed class QueryParameters
{
    private readonly List<KeyValuePair<string, string>> _fields = new();

    public QueryParameters(string action, string version)
    {
        Add("Action", action);
        Add("Version", version);
    }

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public QueryParameters Add(string name, string? value)
    {
        if (value is not null)
        {
            _fields.Add(new KeyValuePair<string, string>(name, value));
        }

        return this;
    }

    public QueryParameters Add(string name, bool? value) => Add(name, value is null ? null : value.Value ? "true" : "false");

    public QueryParameters Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public QueryParameters Add(string name, DateTime? value) =>
        Add(name, value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    /// <summary>Adds <c>name.member.N</c> entries (N from 1); <paramref name="addItem"/> writes one item under its prefix.</summary>
    public QueryParameters AddList<T>(string name, IEnumerable<T>? items, Action<QueryParameters, string, T> addItem)
    {
        var index = 0;
        foreach (var item in items ?? Enumerable.Empty<T>())
        {
            addItem(this, $"{name}.member.{++index}", item);
        }

        return this;
    }

    /// <summary>Adds a list of plain strings.</summary>
    public QueryParameters AddList(string name, IEnumerable<string>? items) => AddList(name, items, static (q, prefix, item) => q.Add(prefix, item));

    /// <summary>Adds <c>name.entry.N.keyName</c> / <c>name.entry.N.valueName</c> pairs, sorted by key so requests are stable.</summary>
    public QueryParameters AddMap<T>(string name, IDictionary<string, T>? map, string keyName, string valueName,
        Action<QueryParameters, string, T> addValue)
    {
        var index = 0;
        foreach (var pair in (map ?? new Dictionary<string, T>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var prefix = $"{name}.entry.{++index}";
            Add($"{prefix}.{keyName}", pair.Key);
            addValue(this, $"{prefix}.{valueName}", pair.Value);
        }

        return this;
    }

    /// <summary>The application/x-www-form-urlencoded body, RFC 3986 percent-encoding of UTF-8.</summary>
    public byte[] ToFormBody()
    {
        var body = new StringBuilder();
        foreach (var field in _fields)
        {
            if (body.Length > 0)
            {
                body.Append('&');
            }

            AppendEncoded(body, field.Key);
            body.Append('=');
            AppendEncoded(body, field.Value);
        }

        return Encoding.ASCII.GetBytes(body.ToString());
    }

    /// <summary>Looks a field up (tests and diagnostics).</summary>
    public string? this[string name] => _fields.FirstOrDefault(f => f.Key == name).Value;

    // Hand-rolled instead of Uri.EscapeDataString: template bodies reach 51,200 bytes and older frameworks cap that method's input.
    private static void AppendEncoded(StringBuilder target, string value)
    {
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
            {
                target.Append(c);
            }
            else
            {
                target.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
    }
}
