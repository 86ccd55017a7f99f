using Amazon.KeyManagementService;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Orders;
using OrderMonitoring.Cmdlets.Reconciliation.Repairs;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// The reconciliation cmdlets' composition root: the checker and the repairer over the order services' DynamoDB and S3
/// clients (one set per invocation, disposed by <see cref="OrderServices"/>), and a Streams client of its own for the
/// pending records and a KMS client for the repair key, each built on first use.
/// </summary>
internal sealed class ReconciliationServices : IDisposable
{
    private readonly OrderServices _orders;
    private readonly TimeProvider _time;
    private readonly Lazy<IAmazonDynamoDBStreams> _streams;
    private readonly Lazy<IAmazonKeyManagementService> _kms;

    // One Sign per repair record (and one probe per run): a slow KMS answer is retried by running the repair again.
    private static readonly TimeSpan KmsRequestTimeout = TimeSpan.FromSeconds(10);

    public ReconciliationServices(OrderServices orders, TimeProvider time)
    {
        _orders = orders;
        _time = time;
        _streams = new Lazy<IAmazonDynamoDBStreams>(orders.Clients.CreateDynamoDBStreams);
        _kms = new Lazy<IAmazonKeyManagementService>(() => orders.Clients.CreateKms(KmsRequestTimeout));
    }

    public AuditLogChecker Checker() => new(Items(), Store(), new CheckOptions(), _time);

    /// <summary>When the order table was created: audit records older than that describe an earlier table of the same name.</summary>
    public Task<DateTimeOffset?> TableCreatedAsync(string tableName, CancellationToken cancellationToken) => Items().TableCreatedAsync(tableName, cancellationToken);

    private DynamoDbOrderItemSource Items() => new(_orders.DynamoDB);

    public AuditLogRepairer Repairer() =>
        new(Store(), Items(), new StreamRecordFinder(_streams.Value), keyArn => new KmsDigestSigner(_kms.Value, keyArn), new StsCallerIdentity(_orders.Clients.Connection), _time,
            BucketProtection());

    public StreamPendingReader Pending() => new(_streams.Value);

    private S3AuditVersionStore Store() => new(_orders.S3);

    /// <summary>The signing keys' public keys (kms:GetPublicKey).</summary>
    public IPublicKeySource PublicKeys() => new KmsPublicKeySource(() => _kms.Value);

    public TrailVerifier Verifier(VerificationKeys keys) => new(Store(), keys, _time);

    public IBucketProtectionSource BucketProtection() => new S3BucketProtectionSource(_orders.S3);

    public void Dispose()
    {
        if (_streams.IsValueCreated && _streams.Value is IDisposable streams)
        {
            streams.Dispose();
        }

        if (_kms.IsValueCreated)
        {
            _kms.Value.Dispose();
        }
    }
}
