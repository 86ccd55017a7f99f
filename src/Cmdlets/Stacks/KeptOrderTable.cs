using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>What DynamoDB DescribeTable says about an order table that may outlive its stack.</summary>
/// <param name="Name">The table's name.</param>
/// <param name="Status">ACTIVE, DELETING, ...</param>
/// <param name="StreamArn">The latest stream's ARN, or null when the table has no stream.</param>
/// <param name="StreamViewType">The stream's view type when a stream is enabled.</param>
/// <param name="KeySchema">The key, as "attribute:HASH", "attribute:RANGE".</param>
/// <param name="DeletionProtection">Whether DeleteTable is refused until protection is turned off.</param>
internal sealed record OrderTableState(string Name, string Status, string? StreamArn, string? StreamViewType, IReadOnlyList<string> KeySchema,
    bool DeletionProtection)
{
    /// <summary>The view type the processor needs (it audits the new and the old image).</summary>
    public const string RequiredStreamViewType = "NEW_AND_OLD_IMAGES";

    /// <summary>The key the template gives the table.</summary>
    public static IReadOnlyList<string> RequiredKeySchema { get; } = new[]
    {
        TemplateContract.Table.OrderIdAttribute + ":HASH", TemplateContract.Table.TimestampAttribute + ":RANGE",
    };

    /// <summary>The table of <paramref name="environment"/>, as the template names it.</summary>
    public static string NameFor(string environment) => TemplateContract.Table.NamePrefix + environment;

    /// <summary>Whether the table has the order table's key (a stream can be turned on later; a key cannot change).</summary>
    public bool HasOrderKey => KeySchema.SequenceEqual(RequiredKeySchema, StringComparer.Ordinal);

    /// <summary>Why a stack cannot use this table as its order table, or null when it can.</summary>
    public string? Unusable()
    {
        if (!HasOrderKey)
        {
            return $"its key is ({string.Join(", ", KeySchema)}), not ({string.Join(", ", RequiredKeySchema)})";
        }

        if (StreamArn is null || !string.Equals(StreamViewType, RequiredStreamViewType, StringComparison.Ordinal))
        {
            return StreamArn is null ? "it has no stream" : $"its stream shows {StreamViewType}, not {RequiredStreamViewType}";
        }

        return Status is "ACTIVE" or "UPDATING" ? null : $"it is {Status}";
    }
}

/// <summary>The DynamoDB calls on a kept order table: read it, and delete it when asked to.</summary>
internal interface IOrderTableClient
{
    /// <summary>The table, or null when it does not exist.</summary>
    Task<OrderTableState?> DescribeAsync(string table, CancellationToken cancellationToken);

    /// <summary>Turns deletion protection off (only ever right before a confirmed deletion).</summary>
    Task DisableDeletionProtectionAsync(string table, CancellationToken cancellationToken);

    /// <summary>Deletes the table; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string table, CancellationToken cancellationToken);
}

/// <summary><see cref="IOrderTableClient"/> on the DynamoDB SDK client.</summary>
internal sealed class DynamoDbOrderTableClient : IOrderTableClient
{
    private readonly IAmazonDynamoDB _dynamoDb;

    public DynamoDbOrderTableClient(IAmazonDynamoDB dynamoDb) => _dynamoDb = dynamoDb;

    public async Task<OrderTableState?> DescribeAsync(string table, CancellationToken cancellationToken)
    {
        try
        {
            var described = (await _dynamoDb.DescribeTableAsync(new DescribeTableRequest { TableName = table }, cancellationToken).ConfigureAwait(false)).Table;
            var stream = described.StreamSpecification is { StreamEnabled: true } spec ? spec : null;
            return new OrderTableState(described.TableName ?? table, described.TableStatus?.Value ?? "", stream is null ? null : described.LatestStreamArn,
                stream?.StreamViewType?.Value, (described.KeySchema ?? new List<KeySchemaElement>()).Select(k => $"{k.AttributeName}:{k.KeyType?.Value}").ToList(),
                described.DeletionProtectionEnabled == true);
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    public async Task DisableDeletionProtectionAsync(string table, CancellationToken cancellationToken) =>
        await _dynamoDb.UpdateTableAsync(new UpdateTableRequest { TableName = table, DeletionProtectionEnabled = false }, cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteAsync(string table, CancellationToken cancellationToken)
    {
        try
        {
            await _dynamoDb.DeleteTableAsync(new DeleteTableRequest { TableName = table }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ResourceNotFoundException)
        {
            return false;
        }
    }
}
