using System.Collections;
using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace OrderMonitoring.Cmdlets.Services.Orders;

/// <summary>Turns an <see cref="OrderEvent"/> into a DynamoDB item (attribute names as the seed uses them).</summary>
internal static class OrderItem
{
    /// <summary>The item: orderId (S), timestamp (N), status (S), amount (N), customerId (S), then the extra attributes.</summary>
    public static Dictionary<string, AttributeValue> ToItem(OrderEvent orderEvent)
    {
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var extra in orderEvent.Attributes)
        {
            item[extra.Key] = ToAttribute(extra.Value);
        }

        item["orderId"] = new AttributeValue { S = orderEvent.OrderId };
        item["timestamp"] = new AttributeValue { N = orderEvent.Timestamp.ToString(CultureInfo.InvariantCulture) };
        item["status"] = new AttributeValue { S = orderEvent.Status };
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

    /// <summary>The key of an item as <see cref="OrderEvent.ItemKey"/> builds it.</summary>
    public static string KeyOf(Dictionary<string, AttributeValue> item) => item["orderId"].S + "\u0000" + item["timestamp"].N;

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
            case byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal:
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
                throw new ArgumentException($"An attribute value of type {value.GetType().Name} cannot be stored; use strings, numbers, booleans, lists or hashtables.");
        }
    }
}
