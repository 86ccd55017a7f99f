using System.Management.Automation;
using OrderMonitoring.Cmdlets.Orders;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>One input row of Send-TestOrderEvent, read and checked: its status, amount and extra attributes.</summary>
internal sealed record OrderRow(string Status, decimal? Amount, Dictionary<string, object?> Attributes);

/// <summary>Reads Send-TestOrderEvent's input rows (parameters or pipeline objects) and refuses a bad one with an error naming it.</summary>
internal static class OrderRows
{
    /// <summary>
    /// This row's amount and attributes, or its error: nothing of a row that is refused is written. Errors name the row
    /// (<paramref name="rowName"/>: its number in the input, and its order id when it has one).
    /// </summary>
    /// <param name="idGiven">True when an order id was expected (pipeline input, or -OrderId given), so an empty one is refused.</param>
    public static (OrderRow? Row, ErrorRecord? Error) Read(string? orderId, bool idGiven, string? status, object? amountValue, object? attributeValue, string rowName)
    {
        // An explicit empty -OrderId, or an empty cell, is refused rather than replaced by a generated id.
        if (string.IsNullOrWhiteSpace(orderId) && idGiven)
        {
            return (null, ErrorRecordFactory.Validation("OrderIdMissing",
                $"{rowName} has no OrderId (the property is missing or empty), so it was not written.", null,
                "Give every input row an OrderId column or property with a value (e.g. a CSV header 'OrderId,Status,Amount')."));
        }

        // An empty Status cell is refused here, naming its row, rather than at binding: there it would get PowerShell's
        // message without the row, and the closing count would miss it.
        if (string.IsNullOrWhiteSpace(status))
        {
            return (null, ErrorRecordFactory.Validation("StatusMissing",
                $"{rowName} has no Status (the property is empty or blank), so it was not written.", orderId,
                "Give every input row a Status such as PENDING or FAILED, or leave the column out for PENDING."));
        }

        decimal? amount;
        try
        {
            amount = InputValues.ReadAmount(amountValue);
        }
        catch (FormatException invalid)
        {
            return (null, ErrorRecordFactory.Validation("AmountInvalid", $"{rowName}: {invalid.Message} It was not written.", orderId,
                "Write amounts with '.' as the decimal point and no thousands separators (12.50), or leave the cell empty for no amount."));
        }

        try
        {
            var attributes = InputValues.ReadAttributes(attributeValue);
            foreach (var attribute in attributes)
            {
                // Validates name and value now, so a bad one is reported for its row instead of failing a whole batch later.
                OrderItem.ValidateExtraAttribute(attribute.Key, attribute.Value);
            }

            return (new OrderRow(status!, amount, attributes), null);
        }
        catch (ArgumentException invalid)
        {
            return (null, ErrorRecordFactory.Validation("AttributeInvalid", $"{rowName}: {invalid.Message} It was not written.", orderId,
                "Correct -Attribute: use -Status, -Amount and -CustomerId for the item's own attributes, and finite numbers."));
        }
    }
}
