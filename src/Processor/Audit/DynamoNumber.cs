using System.Globalization;
using System.Text.RegularExpressions;

namespace OrderMonitoring.Processor.Audit;

/// <summary>Checks DynamoDB number strings without converting them, so no digit is ever lost.</summary>
internal static class DynamoNumber
{
    // What DynamoDB accepts as a number; Streams sends the canonical form, but we only trust the grammar.
    private static readonly Regex Number = new(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", RegexOptions.CultureInvariant);

    // The stricter JSON grammar: only text matching it may be written as a raw JSON number.
    private static readonly Regex JsonNumber = new(@"^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$", RegexOptions.CultureInvariant);

    // DynamoDB numbers range up to 1E+125; anything far beyond cannot be a real number attribute.
    private const int MaxExponent = 1000;

    public static bool IsNumber(string text) => Number.IsMatch(text);

    public static bool IsJsonNumber(string text) => JsonNumber.IsMatch(text);

    /// <summary>True when the number's value is a whole number (1e15 and 10.0 are; 1.5 and 1e-1 are not).</summary>
    public static bool IsInteger(string text)
    {
        if (!IsNumber(text))
        {
            return false;
        }

        var exponentAt = text.IndexOfAny(['e', 'E']);
        var mantissa = exponentAt < 0 ? text : text.Substring(0, exponentAt);
        var exponent = 0;
        if (exponentAt >= 0 && !int.TryParse(text.Substring(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            return false;
        }

        if (Math.Abs(exponent) > MaxExponent)
        {
            return false;
        }

        mantissa = mantissa.TrimStart('+', '-');
        var point = mantissa.IndexOf('.');
        var fraction = point < 0 ? string.Empty : mantissa.Substring(point + 1);
        var digits = (point < 0 ? mantissa : mantissa.Substring(0, point)) + fraction;

        // value = digits * 10^(exponent - fraction.Length); strip trailing zeros into the exponent.
        var scale = exponent - fraction.Length;
        var significant = digits.TrimEnd('0');
        scale += digits.Length - significant.Length;
        return significant.TrimStart('0').Length == 0 || scale >= 0;
    }
}
