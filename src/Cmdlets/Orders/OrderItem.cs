using System.Collections;
using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace OrderMonitoring.Cmdlets.Orders;

/// <summary>Turns an <see cref="OrderEvent"/> into a DynamoDB item (attribute names as the seed uses them).</summary>
internal static class OrderItem
{
    private const string OrderIdAttribute = TemplateContract.Table.OrderIdAttribute;
    private const string TimestampAttribute = TemplateContract.Table.TimestampAttribute;
    private const string StatusAttribute = TemplateContract.Table.StatusAttribute;

    /// <summary>
    /// The attribute that marks every item Send-TestOrderEvent writes (BOOL true): test orders can be told from real ones
    /// in the table, and in the audit trail, whose records keep the whole item image.
    /// </summary>
    public const string TestEventAttribute = "testEvent";

    /// <summary>The item: orderId (S), timestamp (N), status (S), amount (N), customerId (S), testEvent (BOOL true), then the extra attributes.</summary>
    public static Dictionary<string, AttributeValue> ToItem(OrderEvent orderEvent)
    {
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var extra in orderEvent.Attributes)
        {
            item[extra.Key] = ToAttribute(extra.Value);
        }

        item[OrderIdAttribute] = new AttributeValue { S = orderEvent.OrderId };
        item[TimestampAttribute] = new AttributeValue { N = orderEvent.Timestamp.ToString(CultureInfo.InvariantCulture) };
        item[StatusAttribute] = new AttributeValue { S = orderEvent.Status };
        item[TestEventAttribute] = new AttributeValue { BOOL = true };
        if (orderEvent.Amount is { } amount)
        {
            item["amount"] = new AttributeValue { N = amount.ToString(CultureInfo.InvariantCulture) };
        }

        if (!string.IsNullOrEmpty(orderEvent.CustomerId))
        {
            item["customerId"] = new AttributeValue { S = orderEvent.CustomerId };
        }

        return item;
    }

    /// <summary>
    /// The attributes the item sets from its own parameters. An extra attribute with one of these names (in any case)
    /// would be overwritten or would shadow the real one, so it is refused.
    /// </summary>
    public static IReadOnlyList<string> OwnAttributeNames { get; } = new[] { OrderIdAttribute, TimestampAttribute, StatusAttribute, "amount", "customerId" };

    /// <summary>
    /// Checks one extra attribute before anything is written: its name must not be one of <see cref="OwnAttributeNames"/>
    /// and its value must be storable (<see cref="ToAttribute"/>). Throws <see cref="ArgumentException"/> naming the attribute.
    /// </summary>
    public static void ValidateExtraAttribute(string name, object? value)
    {
        if (string.Equals(name, TestEventAttribute, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"-Attribute must not set '{name}': '{TestEventAttribute}' marks every item Send-TestOrderEvent writes.");
        }

        var own = OwnAttributeNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        if (own is not null)
        {
            var parameter = char.ToUpperInvariant(own[0]) + own.Substring(1);
            throw new ArgumentException(
                $"-Attribute must not set '{name}': the item's own attribute '{own}' comes from -{parameter}.");
        }

        try
        {
            _ = ToAttribute(value);
        }
        catch (ArgumentException invalid)
        {
            throw new ArgumentException($"Attribute '{name}': {invalid.Message}", invalid);
        }
    }

    /// <summary>The key of an item as <see cref="OrderEvent.ItemKey"/> builds it.</summary>
    public static string KeyOf(Dictionary<string, AttributeValue> item) => item[OrderIdAttribute].S + "\u0000" + item[TimestampAttribute].N;

    /// <summary>
    /// One attribute value: strings as S, numbers as N (invariant culture), booleans as BOOL, null as NULL, lists as L
    /// and dictionaries as M; anything else is rejected so nothing is stored as a type name.
    /// </summary>
    public static AttributeValue ToAttribute(object? value)
    {
        switch (value)
        {
            case null:
                return new AttributeValue { NULL = true };
            case string text:
                return new AttributeValue { S = text };
            case bool flag:
                return new AttributeValue { BOOL = flag };
            case DateTime or DateTimeOffset:
                return new AttributeValue { S = string.Format(CultureInfo.InvariantCulture, "{0:o}", value) };
            case double number:
                return new AttributeValue { N = StorableNumber(number, number.ToString("R", CultureInfo.InvariantCulture)) };
            case float single:
                return new AttributeValue { N = StorableNumber(single, single.ToString("R", CultureInfo.InvariantCulture)) };
            case byte or sbyte or short or ushort or int or uint or long or ulong or decimal:
                return new AttributeValue { N = Convert.ToString(value, CultureInfo.InvariantCulture) };
            case IDictionary map:
                var members = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in map)
                {
                    members[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = ToAttribute(entry.Value);
                }

                return new AttributeValue { M = members };
            case IEnumerable list:
                return new AttributeValue { L = list.Cast<object?>().Select(ToAttribute).ToList() };
            default:
                throw new ArgumentException($"A value of type {value.GetType().Name} cannot be stored; use strings, numbers, booleans, lists or hashtables.");
        }
    }

    // DynamoDB refuses the whole BatchWriteItem call for one number it cannot store, so such a value is refused here.
    private static string StorableNumber(double number, string text)
    {
        if (double.IsNaN(number) || double.IsInfinity(number))
        {
            throw new ArgumentException($"the number {text} cannot be stored; DynamoDB numbers must be finite.");
        }

        var magnitude = Math.Abs(number);
        if (magnitude >= 1e126 || (magnitude > 0 && magnitude < 1e-130))
        {
            throw new ArgumentException($"the number {text} is out of DynamoDB's range (magnitude 1E-130 to 9.9E+125).");
        }

        return text;
    }
}
