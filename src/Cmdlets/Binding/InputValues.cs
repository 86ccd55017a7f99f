using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// Reads values as users hand them over (typed in, or piped from Import-Csv and ConvertFrom-Json) without altering them:
/// PowerShell's own conversions read "12,50" as 1250 and an empty cell as 0, so these parameters take the raw value.
/// </summary>
internal static class InputValues
{
    // Invariant decimal text only: no thousands separators, so "12,50" (a decimal comma) is refused instead of read as 1250.
    private const NumberStyles AmountStyle = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite
        | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    /// <summary>True when the value stands for "not given": null, or an empty or blank text (an empty CSV cell).</summary>
    public static bool IsEmpty(object? value) => Unwrap(value) switch
    {
        null => true,
        string text => string.IsNullOrWhiteSpace(text),
        _ => false,
    };

    /// <summary>
    /// An amount: null for an empty value; a number as it is; text in invariant notation (<c>12.50</c>, <c>-3</c>,
    /// <c>1E3</c>). Throws <see cref="FormatException"/> naming the value for anything else.
    /// </summary>
    public static decimal? ReadAmount(object? value)
    {
        var raw = Unwrap(value);
        if (IsEmpty(raw))
        {
            return null;
        }

        switch (raw)
        {
            case decimal number:
                return number;
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                return Convert.ToDecimal(raw, CultureInfo.InvariantCulture);
            case double or float:
                var real = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
                if (double.IsNaN(real) || double.IsInfinity(real) || Math.Abs(real) >= (double)decimal.MaxValue)
                {
                    throw new FormatException($"the amount {real.ToString("R", CultureInfo.InvariantCulture)} is not a finite number that can be stored.");
                }

                return Convert.ToDecimal(real, CultureInfo.InvariantCulture);
            case string text when decimal.TryParse(text, AmountStyle, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            case string text:
                throw new FormatException($"the amount '{text}' is not a number in invariant notation (digits, an optional sign, '.' as the decimal point, no thousands separators).");
            default:
                throw new FormatException($"the amount must be a number, not a {raw!.GetType().Name}.");
        }
    }

    /// <summary>
    /// Extra attributes from a hashtable or an object (PSCustomObject, e.g. from ConvertFrom-Json), nested values too,
    /// with PowerShell wrappers removed; null or an empty text gives none. Throws <see cref="ArgumentException"/> for
    /// anything else, and for an empty name.
    /// </summary>
    public static Dictionary<string, object?> ReadAttributes(object? value)
    {
        if (IsEmpty(value))
        {
            return new Dictionary<string, object?>(StringComparer.Ordinal);
        }

        return ToMap(value, depth: 1) ?? throw new ArgumentException(
            $"-Attribute must be a hashtable or an object with properties, not a {Unwrap(value)!.GetType().Name}.");
    }

    // DynamoDB stores documents nested at most 32 levels deep; a hashtable that holds itself would nest for ever (and
    // overflow the stack), so reading stops there with an error naming the limit.
    private const int MaxDepth = 32;

    private static Dictionary<string, object?>? ToMap(object? value, int depth)
    {
        IEnumerable<KeyValuePair<string?, object?>> members;
        if (value is PSObject { BaseObject: PSCustomObject } custom)
        {
            members = custom.Properties.Select(p => new KeyValuePair<string?, object?>(p.Name, p.Value));
        }
        else if (Unwrap(value) is IDictionary map)
        {
            members = map.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string?, object?>(e.Key?.ToString(), e.Value));
        }
        else
        {
            return null;
        }

        _ = WithinDepth(depth);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (string.IsNullOrEmpty(member.Key))
            {
                throw new ArgumentException("An attribute name must not be empty.");
            }

            result[member.Key!] = ToPlain(member.Value, depth + 1);
        }

        return result;
    }

    private static object? ToPlain(object? value, int depth)
    {
        if (ToMap(value, depth) is { } map)
        {
            return map;
        }

        var raw = Unwrap(value);
        return raw switch
        {
            string text => text,
            IEnumerable list => WithinDepth(depth) ? list.Cast<object?>().Select(item => ToPlain(item, depth + 1)).ToList() : null,
            _ => raw,
        };
    }

    private static bool WithinDepth(int depth) => depth <= MaxDepth
        ? true
        : throw new ArgumentException(
            $"-Attribute is nested more than {MaxDepth} levels deep, the most DynamoDB stores (a hashtable or list that contains itself never ends).");

    private static object? Unwrap(object? value) => value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : value;
}
