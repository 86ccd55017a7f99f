using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// Compares a table item (typed DynamoDB JSON) with an audited image (the processor's plain JSON) by meaning: numbers by
/// value with every digit (<c>1.50</c> = <c>1.5</c>, 38 digits kept), sets in any order (DynamoDB keeps no order in a
/// set), lists in order, maps by name at any depth.
/// </summary>
internal static class ImageComparer
{
    /// <summary>Null when the item and the image hold the same values, else where they first differ.</summary>
    public static string? Difference(string typedItemJson, string? plainImageJson)
    {
        if (plainImageJson is null)
        {
            return "the audit record has no image of the item";
        }

        using var typed = JsonDocument.Parse(typedItemJson);
        using var plain = JsonDocument.Parse(plainImageJson);
        return MapDifference(typed.RootElement, plain.RootElement, "");
    }

    private static string? MapDifference(JsonElement typedMap, JsonElement plain, string path)
    {
        if (plain.ValueKind != JsonValueKind.Object)
        {
            return $"{Name(path)} is a map in the table but not in the audit record";
        }

        var audited = new HashSet<string>(plain.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
        foreach (var attribute in typedMap.EnumerateObject())
        {
            var attributePath = path.Length == 0 ? attribute.Name : path + "." + attribute.Name;
            if (!plain.TryGetProperty(attribute.Name, out var value))
            {
                return $"{attributePath} is in the table but not in the audit record";
            }

            audited.Remove(attribute.Name);
            if (ValueDifference(attribute.Value, value, attributePath) is { } difference)
            {
                return difference;
            }
        }

        return audited.Count == 0 ? null : $"{(path.Length == 0 ? "" : path + ".")}{audited.OrderBy(n => n, StringComparer.Ordinal).First()} is in the audit record but not in the table";
    }

    private static string? ValueDifference(JsonElement typedValue, JsonElement plain, string path)
    {
        var descriptor = typedValue.EnumerateObject().First();
        var content = descriptor.Value;
        if (descriptor.Name == "M")
        {
            return MapDifference(content, plain, path);
        }

        if (descriptor.Name == "L" && plain.ValueKind == JsonValueKind.Array && plain.GetArrayLength() == content.GetArrayLength())
        {
            return content.EnumerateArray().Zip(plain.EnumerateArray(), (t, p) => (t, p)).Select((pair, i) => ValueDifference(pair.t, pair.p, $"{path}[{i}]"))
                .FirstOrDefault(difference => difference is not null);
        }

        var same = descriptor.Name switch
        {
            "S" or "B" => plain.ValueKind == JsonValueKind.String && plain.GetString() == content.GetString(),
            "N" => plain.ValueKind is JsonValueKind.Number or JsonValueKind.String && SameNumber(content.GetString()!, Text(plain)),
            "BOOL" => plain.ValueKind is JsonValueKind.True or JsonValueKind.False && plain.GetBoolean() == content.GetBoolean(),
            "NULL" => plain.ValueKind == JsonValueKind.Null,
            "SS" or "BS" => SameSet(content, plain, numbers: false),
            "NS" => SameSet(content, plain, numbers: true),
            _ => false,
        };
        return same ? null : $"{path} is {Show(typedValue)} in the table but {plain.GetRawText()} in the audit record";
    }

    private static bool SameSet(JsonElement typedSet, JsonElement plain, bool numbers)
    {
        if (plain.ValueKind != JsonValueKind.Array || plain.GetArrayLength() != typedSet.GetArrayLength())
        {
            return false;
        }

        // The converter writes a set's numbers as JSON numbers and its strings and binaries as strings.
        if (!numbers && plain.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            return false;
        }

        Func<string, string> canonical = numbers ? CanonicalNumber : text => text;
        var table = typedSet.EnumerateArray().Select(e => canonical(e.GetString()!)).OrderBy(v => v, StringComparer.Ordinal);
        var audited = plain.EnumerateArray().Select(e => canonical(Text(e))).OrderBy(v => v, StringComparer.Ordinal);
        return table.SequenceEqual(audited, StringComparer.Ordinal);
    }

    private static string Text(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();

    private static string Show(JsonElement typedValue)
    {
        var text = typedValue.GetRawText();
        return text.Length <= 200 ? text : text.Substring(0, 200) + "...";
    }

    private static string Name(string path) => path.Length == 0 ? "the item" : path;

    private static bool SameNumber(string left, string right) => string.Equals(CanonicalNumber(left), CanonicalNumber(right), StringComparison.Ordinal);

    /// <summary>
    /// A number's value as text that is equal exactly when the values are: sign, significant digits, and the exponent
    /// of the first digit. Decimal and double would round DynamoDB's 38 digits; this never does.
    /// </summary>
    internal static string CanonicalNumber(string text)
    {
        var trimmed = text.Trim();
        var negative = trimmed.StartsWith("-", StringComparison.Ordinal);
        var unsigned = trimmed.TrimStart('+', '-');
        var exponentAt = unsigned.IndexOfAny(new[] { 'e', 'E' });
        var mantissa = exponentAt < 0 ? unsigned : unsigned.Substring(0, exponentAt);
        if (exponentAt >= 0 && !int.TryParse(unsigned.Substring(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return text;
        }

        var exponent = exponentAt < 0 ? 0 : int.Parse(unsigned.Substring(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.');
        var digits = new StringBuilder(mantissa.Replace(".", ""));
        var integerDigits = point < 0 ? mantissa.Length : point;
        var leadingZeros = 0;
        while (leadingZeros < digits.Length && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        var significant = digits.ToString().Substring(leadingZeros).TrimEnd('0');
        if (significant.Length == 0)
        {
            return "0";
        }

        var magnitude = integerDigits - leadingZeros + exponent;
        return (negative ? "-" : "") + significant + "e" + magnitude.ToString(CultureInfo.InvariantCulture);
    }
}
