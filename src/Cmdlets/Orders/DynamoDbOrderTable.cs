using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace OrderMonitoring.Cmdlets.Orders;

/// <summary><see cref="IOrderTable"/> on DynamoDB: BatchWriteItem, (conditional) PutItem, and Query on the table and its status-timestamp-index.</summary>
internal sealed class DynamoDbOrderTable : IOrderTable
{
    /// <summary>The template's global secondary index on (status, timestamp).</summary>
    public const string StatusIndexName = TemplateContract.Table.StatusIndexName;

    private const string OrderIdAttribute = TemplateContract.Table.OrderIdAttribute;
    private const string TimestampAttribute = TemplateContract.Table.TimestampAttribute;
    private const string StatusAttribute = TemplateContract.Table.StatusAttribute;

    private readonly IAmazonDynamoDB _dynamoDb;

    public DynamoDbOrderTable(IAmazonDynamoDB dynamoDb) => _dynamoDb = dynamoDb;

    public async Task<IReadOnlyList<OrderEvent>> WriteBatchAsync(string tableName, IReadOnlyList<OrderEvent> events, CancellationToken cancellationToken)
    {
        var byKey = events.ToDictionary(e => e.ItemKey, StringComparer.Ordinal);
        var request = new BatchWriteItemRequest
        {
            RequestItems = new Dictionary<string, List<WriteRequest>>
            {
                [tableName] = events.Select(e => new WriteRequest { PutRequest = new PutRequest { Item = OrderItem.ToItem(e) } }).ToList(),
            },
        };
        var response = await _dynamoDb.BatchWriteItemAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.UnprocessedItems is null || !response.UnprocessedItems.TryGetValue(tableName, out var unprocessed) || unprocessed is null)
        {
            return Array.Empty<OrderEvent>();
        }

        // Map the service's unprocessed items back to our events by their key.
        return unprocessed.Where(w => w.PutRequest?.Item is not null)
            .Select(w => byKey[OrderItem.KeyOf(w.PutRequest.Item)])
            .ToList();
    }

    public async Task<bool> PutAsync(string tableName, OrderEvent orderEvent, bool onlyIfNew, CancellationToken cancellationToken)
    {
        var request = new PutItemRequest { TableName = tableName, Item = OrderItem.ToItem(orderEvent) };
        if (onlyIfNew)
        {
            // Every item has its partition key, so "no orderId" means "no item with this key".
            request.ConditionExpression = "attribute_not_exists(#o)";
            request.ExpressionAttributeNames = new Dictionary<string, string> { ["#o"] = OrderIdAttribute };
        }

        try
        {
            await _dynamoDb.PutItemAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException) when (onlyIfNew)
        {
            return false;
        }
    }

    public async Task<StatusQueryPage> QueryStatusAsync(string tableName, string status, long since, long until, object? continuation,
        CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = tableName,
            IndexName = StatusIndexName,
            KeyConditionExpression = "#s = :status AND #t BETWEEN :since AND :until",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#s"] = StatusAttribute, ["#t"] = TimestampAttribute, ["#o"] = OrderIdAttribute },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":status"] = new() { S = status },
                [":since"] = new() { N = since.ToString(CultureInfo.InvariantCulture) },
                [":until"] = new() { N = until.ToString(CultureInfo.InvariantCulture) },
            },
            ProjectionExpression = "#o",
            ExclusiveStartKey = continuation as Dictionary<string, AttributeValue>,
        };
        var response = await _dynamoDb.QueryAsync(request, cancellationToken).ConfigureAwait(false);
        var ids = (response.Items ?? new List<Dictionary<string, AttributeValue>>())
            .Select(item => item.TryGetValue(OrderIdAttribute, out var id) ? id.S : null)
            .Where(id => !string.IsNullOrEmpty(id))
            .Select(id => id!)
            .ToList();
        var next = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        return new StatusQueryPage(ids, next);
    }

    public async Task<string?> GetCurrentStatusAsync(string tableName, string orderId, CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = tableName,
            KeyConditionExpression = "#o = :id",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#o"] = OrderIdAttribute },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":id"] = new() { S = orderId } },
            ScanIndexForward = false,
            Limit = 1,
            ConsistentRead = true,
        };
        var response = await _dynamoDb.QueryAsync(request, cancellationToken).ConfigureAwait(false);
        var latest = response.Items?.FirstOrDefault();
        return latest is not null && latest.TryGetValue(StatusAttribute, out var status) ? status.S : null;
    }
}
