using Amazon.DynamoDBv2;
using Amazon.S3;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;

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
    private readonly Dictionary<string, ProcessorServices> _processors = new(StringComparer.Ordinal);

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

    public OrderEventWriter Writer() => new(Table);

    /// <summary>The order table (existence checks before a write).</summary>
    public IOrderTable Table => new DynamoDbOrderTable(_dynamoDb.Value);

    public AuditWaiter Waiter() => new(new S3AuditObjectStore(_s3.Value));

    public AuditLogReader AuditLog() => new(new S3AuditObjectStore(_s3.Value), new DynamoDbOrderTable(_dynamoDb.Value));

    /// <summary>The in-process processor over the stack's bucket and topic, built once per stack.</summary>
    public ProcessorServices ProcessorFor(OrderStackResources stack, IProcessorLogSink log)
    {
        if (!_processors.TryGetValue(stack.StackName, out var services))
        {
            services = ProcessorServices.Create(_factory, stack.AuditBucketName, stack.TopicArn, new BatchProcessorOptions
            {
                Environment = stack.Environment,
                LogSink = log,
                LogLevel = ProcessorLogLevel.Info,
                EmitMetrics = false,
            });
            _processors[stack.StackName] = services;
        }

        return services;
    }

    public void Dispose()
    {
        foreach (var processor in _processors.Values)
        {
            processor.Dispose();
        }

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
