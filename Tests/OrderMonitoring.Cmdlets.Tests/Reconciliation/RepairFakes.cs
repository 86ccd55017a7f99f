using System.Security.Cryptography;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Reconciliation.Repairs;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Tests.Foundation;
using OrderMonitoring.Cmdlets.Tests.Streams;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Tests.Reconciliation;

/// <summary>
/// Signs like a KMS ECC_NIST_P256 repair key (ECDSA over SHA-256, DER) with a local key; can be told to fail from a
/// given call on (access denied, a symmetric key, throttled).
/// </summary>
internal sealed class LocalRepairSigner : IDigestSigner, IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private int _calls;

    public string KeyId { get; init; } = "arn:aws:kms:us-east-1:123456789012:key/99999999-2222-3333-4444-555555555555";

    /// <summary>Decides per call (1-based) whether it throws.</summary>
    public Func<int, bool> FailWhen { get; set; } = _ => false;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The public key as kms:GetPublicKey returns it.</summary>
    public byte[] PublicKey => _key.ExportSubjectPublicKeyInfo();

    public Task<byte[]> SignAsync(byte[] message, CancellationToken cancellationToken)
    {
        if (FailWhen(Interlocked.Increment(ref _calls)))
        {
            // What KMS answers for a symmetric key (and moto for every key its CloudFormation makes).
            throw new Amazon.KeyManagementService.Model.KMSInvalidStateException("simulated: the key's usage is not SIGN_VERIFY");
        }

        return Task.FromResult(_key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>A repair over fakes: the bucket, the table, the stream, a local repair key and a fixed caller.</summary>
internal sealed class RepairHarness : IDisposable, ICallerIdentity
{
    public const string Caller = "arn:aws:sts::123456789012:assumed-role/ops/alice";
    public const string StreamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-03-01T00:00:00.000";

    public FakeVersionStore Store { get; init; } = new();

    public FakeItemSource Table { get; init; } = new();

    public FakeStreams Streams { get; } = new();

    public LocalRepairSigner Signer { get; } = new();

    /// <summary>Null: the stack names no repair key.</summary>
    public string? RepairKeyArn { get; set; }

    public DateTimeOffset Now { get; set; } = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    public RepairHarness() => RepairKeyArn = Signer.KeyId;

    public OrderStackResources Stack => new("order-monitoring-dev", "dev", "orders", StreamArn, "b", "topic", null, RepairSigningKeyArn: RepairKeyArn);

    /// <summary>What GetBucketVersioning says about the bucket.</summary>
    public string? VersioningStatus { get; set; } = "Enabled";

    public AuditLogRepairer Repairer() => new(Store, Table, new StreamRecordFinder(Streams), _ => Signer, this, new FixedTime(Now), new FixedProtection(this));

    public Task<string> GetCallerArnAsync(CancellationToken cancellationToken) => Task.FromResult(Caller);

    /// <summary>Repairs <paramref name="findings"/>, confirming every step; <paramref name="checkFindings"/> default to the same findings.</summary>
    public async Task<(List<AuditRepair> Repairs, RecordingReporter Reporter)> RepairAsync(IReadOnlyList<CheckedFinding> findings, bool restoreTampered = true,
        IReadOnlyList<CheckedFinding>? checkFindings = null, bool acknowledgeSealGap = false)
    {
        var reporter = new RecordingReporter();
        await Repairer().RepairAllAsync(Stack, new RepairRequest(findings, checkFindings ?? findings, restoreTampered, acknowledgeSealGap), (_, _) => Task.FromResult(true),
            reporter, default);
        return (reporter.Output.OfType<AuditRepair>().ToList(), reporter);
    }

    /// <summary>Every repair record in the bucket, parsed.</summary>
    public List<RepairRecord> Records() =>
        Store.Keys(RepairRecord.Prefix).Select(key => RepairRecord.Parse(Store.Current(key)!, key)).ToList();

    public void Dispose() => Signer.Dispose();

    private sealed class FixedProtection(RepairHarness harness) : OrderMonitoring.Cmdlets.Integrity.IBucketProtectionSource
    {
        public Task<OrderMonitoring.Cmdlets.Integrity.BucketProtectionState> ReadAsync(string bucketName, CancellationToken cancellationToken) =>
            Task.FromResult(new OrderMonitoring.Cmdlets.Integrity.BucketProtectionState(harness.VersioningStatus, ObjectLockEnabled: false, PolicyJson: null));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
