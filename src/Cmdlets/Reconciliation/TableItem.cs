using Amazon.DynamoDBv2.Model;
using System.Text.Json;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// One item of the order table as it is now: its key and the whole item as typed DynamoDB JSON (what a stream record's
/// NewImage holds), so it is compared with audited images and converted to a reconciliation record's image exactly as
/// the processor converts a stream record.
/// </summary>
internal sealed record TableItem(string OrderId, string Timestamp, string ItemJson)
{
    /// <summary>The item as plain JSON, as the processor writes images (numbers with every digit, sets as arrays).</summary>
    public string PlainJson()
    {
        using var typed = JsonDocument.Parse(ItemJson);
        return AttributeValueConverter.ConvertItem(typed.RootElement);
    }

    /// <summary>The item's status attribute when it is a string.</summary>
    public string? Status()
    {
        using var typed = JsonDocument.Parse(ItemJson);
        return typed.RootElement.TryGetProperty(TemplateContract.Table.StatusAttribute, out var status)
            && status.ValueKind == JsonValueKind.Object && status.TryGetProperty("S", out var text) && text.ValueKind == JsonValueKind.String
            ? text.GetString()
            : null;
    }
}

/// <summary>Where a Scan or Query goes on: the last key DynamoDB evaluated, passed back as it came (no JSON round trip).</summary>
internal sealed record ScanPosition(Dictionary<string, AttributeValue> LastKey);

/// <summary>A page of table items; <see cref="Next"/> is null on the last page.</summary>
internal sealed record ItemPage(IReadOnlyList<TableItem> Items, ScanPosition? Next);

/// <summary>The order table as reconciliation reads it: DynamoDB in production, fakes in tests.</summary>
internal interface IOrderItemSource
{
    /// <summary>One page of one segment of a parallel Scan.</summary>
    Task<ItemPage> ScanAsync(string tableName, int segment, int totalSegments, ScanPosition? from, CancellationToken cancellationToken);

    /// <summary>Every item of one order (strongly consistent).</summary>
    Task<IReadOnlyList<TableItem>> ReadOrderAsync(string tableName, string orderId, CancellationToken cancellationToken);

    /// <summary>When the table was created (DescribeTable), or null when that is not known.</summary>
    Task<DateTimeOffset?> TableCreatedAsync(string tableName, CancellationToken cancellationToken);
}
