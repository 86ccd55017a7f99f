using OrderMonitoring.Processor.Alerts;
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
