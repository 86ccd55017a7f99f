using System.Text.Json;
using OrderMonitoring.Cmdlets.Reconciliation;

namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>
/// Compares two attribute maps in DynamoDB's typed JSON (<c>{"amount":{"N":"12.5"}}</c>) by meaning, not by text: a
/// stored payload that went through another JSON writer (member order, spacing, <c>12.50</c> for <c>12.5</c>, a set's
/// order) still matches the stream, while any changed, added or removed value does not.
/// </summary>
internal static class TypedAttributeComparer
{
    /// <summary>Null when both maps hold the same values (or both are absent), else the path where they first differ.</summary>
    public static string? Difference(JsonElement? stored, JsonElement? stream, string path)
    {
        var storedPresent = stored is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) };
        var streamPresent = stream is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) };
        if (!storedPresent || !streamPresent)
        {
            return storedPresent == streamPresent ? null
                : storedPresent ? $"{path} is in the payload but not in the stream's record" : $"{path} is in the stream's record but not in the payload";
        }

        return MapDifference(stored!.Value, stream!.Value, path);
    }

    private static string? MapDifference(JsonElement stored, JsonElement stream, string path)
    {
        if (stored.ValueKind != JsonValueKind.Object || stream.ValueKind != JsonValueKind.Object)
        {
            return $"{path} is not a map of attributes in both";
        }

        var streamNames = new HashSet<string>(stream.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
        foreach (var attribute in stored.EnumerateObject())
        {
            var attributePath = path + "." + attribute.Name;
            if (!streamNames.Remove(attribute.Name))
            {
                return $"{attributePath} is in the payload but not in the stream's record";
            }

            if (ValueDifference(attribute.Value, stream.GetProperty(attribute.Name), attributePath) is { } difference)
            {
                return difference;
            }
        }

        return streamNames.Count == 0 ? null : $"{path}.{streamNames.OrderBy(n => n, StringComparer.Ordinal).First()} is in the stream's record but not in the payload";
    }

    private static string? ValueDifference(JsonElement stored, JsonElement stream, string path)
    {
        if (Descriptor(stored) is not { } left || Descriptor(stream) is not { } right || left.Name != right.Name)
        {
            return Differs(path, stored, stream);
        }

        if (left.Name == "M")
        {
            return MapDifference(left.Value, right.Value, path);
        }

        if (left.Name == "L")
        {
            return left.Value.ValueKind != JsonValueKind.Array || right.Value.ValueKind != JsonValueKind.Array || left.Value.GetArrayLength() != right.Value.GetArrayLength()
                ? Differs(path, stored, stream)
                : left.Value.EnumerateArray().Zip(right.Value.EnumerateArray(), (l, r) => (l, r))
                    .Select((pair, i) => ValueDifference(pair.l, pair.r, $"{path}[{i}]")).FirstOrDefault(difference => difference is not null);
        }

        var same = left.Name switch
        {
            "S" or "B" => Text(left.Value) is { } text && text == Text(right.Value),
            "N" => Text(left.Value) is { } number && Text(right.Value) is { } other && ImageComparer.CanonicalNumber(number) == ImageComparer.CanonicalNumber(other),
            "SS" or "BS" => SameSet(left.Value, right.Value, text => text),
            "NS" => SameSet(left.Value, right.Value, ImageComparer.CanonicalNumber),
            // BOOL and NULL, and any type this module does not know: the same JSON value.
            _ => left.Value.ValueKind == right.Value.ValueKind && left.Value.GetRawText() == right.Value.GetRawText(),
        };
        return same ? null : Differs(path, stored, stream);
    }

    // A typed value is an object with exactly one member naming its type.
    private static JsonProperty? Descriptor(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        using var members = value.EnumerateObject();
        if (!members.MoveNext())
        {
            return null;
        }

        var first = members.Current;
        return members.MoveNext() ? null : first;
    }

    // DynamoDB keeps no order in a set.
    private static bool SameSet(JsonElement stored, JsonElement stream, Func<string, string> canonical)
    {
        if (stored.ValueKind != JsonValueKind.Array || stream.ValueKind != JsonValueKind.Array || stored.GetArrayLength() != stream.GetArrayLength()
            || stored.EnumerateArray().Concat(stream.EnumerateArray()).Any(e => e.ValueKind != JsonValueKind.String))
        {
            return false;
        }

        return stored.EnumerateArray().Select(e => canonical(e.GetString()!)).OrderBy(v => v, StringComparer.Ordinal)
            .SequenceEqual(stream.EnumerateArray().Select(e => canonical(e.GetString()!)).OrderBy(v => v, StringComparer.Ordinal), StringComparer.Ordinal);
    }

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Differs(string path, JsonElement stored, JsonElement stream) =>
        $"{path} is {Show(stored)} in the payload but {Show(stream)} in the stream";

    private static string Show(JsonElement value)
    {
        // Compact, whatever spacing the JSON came with, so the two sides read alike.
        var text = JsonSerializer.Serialize(value);
        return text.Length <= 120 ? text : text.Substring(0, 120) + "...";
    }
}
