using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>Finds a table's latest stream ARN (for a stack whose stream-ARN output is missing).</summary>
internal interface IStreamArnLookup
{
    /// <summary>The table's latest stream ARN, or null when the table or its stream does not exist.</summary>
    Task<string?> FindAsync(string tableName, CancellationToken cancellationToken);
}

/// <summary>The stream ARN from DynamoDB DescribeTable; a client per lookup, because lookups are rare.</summary>
internal sealed class DynamoDbStreamArnLookup : IStreamArnLookup
{
    private readonly Func<IAmazonDynamoDB> _createClient;

    public DynamoDbStreamArnLookup(Func<IAmazonDynamoDB> createClient) => _createClient = createClient;

    public async Task<string?> FindAsync(string tableName, CancellationToken cancellationToken)
    {
        using var dynamo = _createClient();
        try
        {
            var response = await dynamo.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken).ConfigureAwait(false);
            return response.Table?.LatestStreamArn;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }
}
