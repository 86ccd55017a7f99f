using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary><see cref="IOrderItemSource"/> on DynamoDB: parallel Scan segments and a consistent Query per order.</summary>
internal sealed class DynamoDbOrderItemSource : IOrderItemSource
{
    private const string OrderIdAttribute = TemplateContract.Table.OrderIdAttribute;
    private const string TimestampAttribute = TemplateContract.Table.TimestampAttribute;

    private readonly IAmazonDynamoDB _dynamoDb;

    public DynamoDbOrderItemSource(IAmazonDynamoDB dynamoDb) => _dynamoDb = dynamoDb;

    public async Task<ItemPage> ScanAsync(string tableName, int segment, int totalSegments, ScanPosition? from, CancellationToken cancellationToken)
    {
        var response = await _dynamoDb.ScanAsync(new ScanRequest
        {
            TableName = tableName,
            Segment = segment,
            TotalSegments = totalSegments,
            ExclusiveStartKey = from?.LastKey,
        }, cancellationToken).ConfigureAwait(false);
        return new ItemPage(ToItems(response.Items), Next(response.LastEvaluatedKey));
    }

    public async Task<IReadOnlyList<TableItem>> ReadOrderAsync(string tableName, string orderId, CancellationToken cancellationToken) =>
        await Paging.ReadAllAsync(async (ScanPosition? from, CancellationToken cancel) =>
        {
            var response = await _dynamoDb.QueryAsync(new QueryRequest
            {
                TableName = tableName,
                KeyConditionExpression = "#o = :id",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#o"] = OrderIdAttribute },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":id"] = new() { S = orderId } },
                ConsistentRead = true,
                ExclusiveStartKey = from?.LastKey,
            }, cancel).ConfigureAwait(false);
            return new ItemPage(ToItems(response.Items), Next(response.LastEvaluatedKey));
        }, page => page.Next, page => page.Items, cancellationToken).ConfigureAwait(false);

    public async Task<DateTimeOffset?> TableCreatedAsync(string tableName, CancellationToken cancellationToken)
    {
        var table = (await _dynamoDb.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken).ConfigureAwait(false)).Table;
        return table.CreationDateTime is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, created.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : created.Kind)) : null;
    }

    private static ScanPosition? Next(Dictionary<string, AttributeValue>? lastKey) => lastKey is { Count: > 0 } key ? new ScanPosition(key) : null;

    private static List<TableItem> ToItems(List<Dictionary<string, AttributeValue>>? items) =>
        (items ?? new List<Dictionary<string, AttributeValue>>())
            .Where(item => item.TryGetValue(OrderIdAttribute, out var id) && !string.IsNullOrEmpty(id.S) && item.TryGetValue(TimestampAttribute, out var ts) && ts.N is not null)
            .Select(item => new TableItem(item[OrderIdAttribute].S, item[TimestampAttribute].N, DynamoDbItemJson.Write(item)))
            .ToList();
}
