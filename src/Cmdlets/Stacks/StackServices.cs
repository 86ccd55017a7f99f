using Amazon.DynamoDBv2;
using Amazon.KeyManagementService;
using Amazon.S3;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudFormation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>The clients one stack cmdlet invocation uses, built from the connection and disposed together.</summary>
internal sealed class StackServices : IDisposable
{
    private readonly AwsClientFactory _factory;
    private readonly Lazy<IAmazonS3> _s3;
    private readonly Lazy<IAmazonDynamoDB> _dynamoDb;
    private readonly Lazy<IAmazonKeyManagementService> _kms;

    public StackServices(AwsClientFactory factory, PollTiming? timing = null)
    {
        _factory = factory;
        Timing = timing ?? PollTiming.Default;
        CloudFormation = factory.CreateCloudFormation();
        _s3 = new Lazy<IAmazonS3>(factory.CreateS3);
        _dynamoDb = new Lazy<IAmazonDynamoDB>(factory.CreateDynamoDB);
        // DescribeKey and GetPublicKey are single reads a person waits for: a short timeout, no retries of its own.
        _kms = new Lazy<IAmazonKeyManagementService>(() => factory.CreateKms(TimeSpan.FromSeconds(30)));
    }

    public IAmazonCloudFormation CloudFormation { get; }

    public PollTiming Timing { get; }

    public string Region => _factory.Connection.Region.SystemName;

    /// <summary>The invocation's S3 client, shared with the capabilities that build on the stack's (status, failed batches).</summary>
    public IAmazonS3 S3 => _s3.Value;

    /// <summary>The factory the clients come from, for capabilities that need clients of their own.</summary>
    public AwsClientFactory Clients => _factory;

    public StackReader Reader => new(CloudFormation, Region, new DynamoDbStreamArnLookup(_factory.CreateDynamoDB));

    public StackDeployer Deployer() =>
        new(CloudFormation, new S3ArtifactStore(_s3.Value, Region, S3UsesTls), new StsAccountIdProvider(_factory.Connection), Region, Timing, Reader,
            new S3BucketProbe(_s3.Value), OrderTables, SigningKeys, new S3BucketObjectLock(_s3.Value));

    /// <summary>The stack's signing keys in KMS (DescribeKey, GetPublicKey).</summary>
    public ISigningKeyStore SigningKeys => new KmsSigningKeyStore(_kms.Value);

    /// <summary>False only for a plain-HTTP S3 endpoint (a local emulator); AWS's own endpoints are HTTPS.</summary>
    private bool S3UsesTls => _factory.Connection.EndpointFor(AwsServiceIds.S3) is not { } endpoint || endpoint.Scheme == Uri.UriSchemeHttps;

    public StackRemover Remover() => new(CloudFormation, new StackEventWatcher(CloudFormation, Reader, Timing));

    public AuditBucketEraser Eraser() => new(new S3VersionedBucketClient(_s3.Value));

    /// <summary>The order tables: the kept one a deploy adopts, the one a removal deletes when asked to.</summary>
    public IOrderTableClient OrderTables => new DynamoDbOrderTableClient(_dynamoDb.Value);

    public OrderTableEraser TableEraser() => new(OrderTables, Timing);

    /// <summary>The table and buckets an earlier deployment of <paramref name="environment"/> kept, of the kinds asked for, when they are still there.</summary>
    public async Task<IReadOnlyList<KeptData>> FindKeptDataAsync(string environment, bool table, bool buckets, CancellationToken cancellationToken)
    {
        var kept = new List<KeptData>();
        var tableName = OrderTableState.NameFor(environment);
        if (table && await OrderTables.DescribeAsync(tableName, cancellationToken).ConfigureAwait(false) is not null)
        {
            kept.Add(KeptData.Table(tableName));
        }

        if (buckets)
        {
            var found = await KeptBuckets().FindAsync(environment, cancellationToken).ConfigureAwait(false);
            kept.AddRange(found.Select(bucket => KeptData.Bucket(bucket.Bucket.Description, bucket.Name)));
        }

        return kept;
    }

    /// <summary>Deletes one confirmed table or bucket; running it again after a stop continues where it stopped.</summary>
    public Task DeleteAsync(KeptData data, TimeSpan timeout, Foundation.IOperationReporter reporter, CancellationToken cancellationToken) =>
        data.IsTable
            ? TableEraser().EraseAsync(data.Name, timeout, reporter, cancellationToken)
            : Eraser().EraseAsync(data.Name, reporter, cancellationToken);

    /// <summary>The retained buckets an earlier deployment of the environment kept, when they are still there.</summary>
    public KeptBuckets KeptBuckets() => new(new StsAccountIdProvider(_factory.Connection), new S3BucketProbe(_s3.Value), Region);

    public void Dispose()
    {
        CloudFormation.Dispose();
        if (_s3.IsValueCreated)
        {
            _s3.Value.Dispose();
        }

        if (_dynamoDb.IsValueCreated)
        {
            _dynamoDb.Value.Dispose();
        }

        if (_kms.IsValueCreated)
        {
            _kms.Value.Dispose();
        }
    }
}
