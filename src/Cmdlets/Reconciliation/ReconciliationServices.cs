using Amazon.DynamoDBv2;
using Amazon.S3;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>The reconciliation cmdlets' composition root: their clients, built on first use and disposed together.</summary>
internal sealed class ReconciliationServices : IDisposable
{
    private readonly Lazy<IAmazonDynamoDB> _dynamoDb;
    private readonly Lazy<IAmazonS3> _s3;
    private readonly Lazy<IAmazonDynamoDBStreams> _streams;

    public ReconciliationServices(AwsClientFactory factory)
    {
        _dynamoDb = new Lazy<IAmazonDynamoDB>(factory.CreateDynamoDB);
        _s3 = new Lazy<IAmazonS3>(factory.CreateS3);
        _streams = new Lazy<IAmazonDynamoDBStreams>(factory.CreateDynamoDBStreams);
    }

    public AuditLogChecker Checker() => new(new DynamoDbOrderItemSource(_dynamoDb.Value), Store(), new CheckOptions(), ModuleClock.System);

    public AuditLogRepairer Repairer() => new(Store(), ModuleClock.System);

    public StreamPendingReader Pending() => new(_streams.Value);

    private S3AuditVersionStore Store() => new(_s3.Value);

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

        if (_streams.IsValueCreated && _streams.Value is IDisposable streams)
        {
            streams.Dispose();
        }
    }
}
