using System.Security.Cryptography;
using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Storage;

namespace OrderMonitoring.Benchmarks;

/// <summary>An in-memory store that takes a fixed time per call, like one S3 round trip.</summary>
internal sealed class SlowStore(TimeSpan latency) : IAuditStore
{
    private int _writes;

    public int Writes => Volatile.Read(ref _writes);

    public async Task PutAsync(string key, string json, CancellationToken cancellationToken)
    {
        await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _writes);
    }
}

/// <summary>An in-memory publisher that takes a fixed time per call, like one SNS round trip.</summary>
internal sealed class SlowPublisher(TimeSpan latency) : IAlertPublisher
{
    private int _published;

    public int Published => Volatile.Read(ref _published);

    public async Task PublishAsync(Alert alert, CancellationToken cancellationToken)
    {
        await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _published);
    }
}

/// <summary>A signer that takes a fixed time per call, like one kms:Sign round trip, and signs with a local P-256 key.</summary>
internal sealed class SlowSigner(TimeSpan latency) : IDigestSigner, IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private int _signed;

    public string KeyId => "bench-key";

    public int Signed => Volatile.Read(ref _signed);

    public async Task<byte[]> SignAsync(byte[] message, CancellationToken cancellationToken)
    {
        await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _signed);
        return _key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>A CloudWatch that takes a fixed time per PutMetricData, like one round trip; counts what it was sent.</summary>
internal sealed class SlowCloudWatch(TimeSpan latency) : IAmazonCloudWatch
{
    private int _puts;

    public int Puts => Volatile.Read(ref _puts);

    public async Task PutMetricDataAsync(PutMetricDataRequest request, CancellationToken cancellationToken = default)
    {
        await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _puts);
    }

    public Task<DescribeAlarmsResponse> DescribeAlarmsAsync(DescribeAlarmsRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<GetMetricDataResponse> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public void Dispose()
    {
    }
}
