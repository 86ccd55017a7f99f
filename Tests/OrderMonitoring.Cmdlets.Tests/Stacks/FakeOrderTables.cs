using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>Order tables in memory, as DynamoDB reports them; DeleteTable is refused while deletion protection is on.</summary>
internal sealed class FakeOrderTables : IOrderTableClient
{
    public Dictionary<string, OrderTableState> Tables { get; } = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = new();

    /// <summary>How many DescribeTable calls a deleted table still answers (DELETING) before it is gone.</summary>
    public int DescribesWhileDeleting { get; set; }

    public static OrderTableState Kept(string name, string? streamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/order-events-dev/stream/2026-01-01T00:00:00.000",
        string viewType = OrderTableState.RequiredStreamViewType, bool protection = true) =>
        new(name, "ACTIVE", streamArn, streamArn is null ? null : viewType, OrderTableState.RequiredKeySchema, protection);

    public Task<OrderTableState?> DescribeAsync(string table, CancellationToken cancellationToken)
    {
        Calls.Add("DescribeTable");
        if (Tables.TryGetValue(table, out var state) && state.Status == "DELETING" && DescribesWhileDeleting-- <= 0)
        {
            Tables.Remove(table);
        }

        return Task.FromResult(Tables.TryGetValue(table, out var found) ? found : null);
    }

    public Task DisableDeletionProtectionAsync(string table, CancellationToken cancellationToken)
    {
        Calls.Add("UpdateTable:DeletionProtectionEnabled=false");
        Tables[table] = Tables[table] with { DeletionProtection = false };
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string table, CancellationToken cancellationToken)
    {
        Calls.Add("DeleteTable");
        if (!Tables.TryGetValue(table, out var state))
        {
            return Task.FromResult(false);
        }

        if (state.DeletionProtection)
        {
            throw new Amazon.DynamoDBv2.AmazonDynamoDBException($"Table '{table}' can't be deleted while DeletionProtectionEnabled is set to True") { ErrorCode = "ValidationException" };
        }

        Tables[table] = state with { Status = "DELETING" };
        return Task.FromResult(true);
    }
}
