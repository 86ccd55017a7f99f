using Amazon.DynamoDBv2;
using Amazon.S3;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Orders;

/// <summary>
/// The services and clients one order cmdlet invocation uses (the order cmdlets' composition root, as
/// <see cref="StackServices"/> is the stack cmdlets'): built on first use from the connection, disposed together.
/// </summary>
internal sealed class OrderServices : IDisposable
{
    private readonly AwsClientFactory _factory;
    private readonly Lazy<IAmazonDynamoDB> _dynamoDb;
    private readonly Lazy<IAmazonS3> _s3;

    public OrderServices(AwsClientFactory factory)
    {
        _factory = factory;
        _dynamoDb = new Lazy<IAmazonDynamoDB>(factory.CreateDynamoDB);
        _s3 = new Lazy<IAmazonS3>(factory.CreateS3);
    }

    public AwsClientFactory Clients => _factory;

    /// <summary>The stack's resources (StackNotFound / StackNotReady / StackOutputMissing otherwise).</summary>
    public async Task<OrderStackResources> ResolveStackAsync(string stackName, string environment, CancellationToken cancellationToken)
    {
        using var stacks = new StackServices(_factory);
        return await new CloudFormationStackResolver(stacks.Reader).ResolveAsync(stackName, environment, cancellationToken).ConfigureAwait(false);
    }

    public OrderEventWriter Writer() => new(Table());

    /// <summary>The invocation's DynamoDB client, shared with the capabilities built on the orders' (audit log, reconciliation).</summary>
    public IAmazonDynamoDB DynamoDB => _dynamoDb.Value;

    /// <summary>The invocation's S3 client, shared likewise.</summary>
    public IAmazonS3 S3 => _s3.Value;

    /// <summary>The order table of the invocation.</summary>
    public IOrderTable Table() => new DynamoDbOrderTable(_dynamoDb.Value);

    public void Dispose()
    {
        if (_dynamoDb.IsValueCreated)
        {
            _dynamoDb.Value.Dispose();
        }

        if (_s3.IsValueCreated)
        {
            _s3.Value.Dispose();
        }
    }
}
