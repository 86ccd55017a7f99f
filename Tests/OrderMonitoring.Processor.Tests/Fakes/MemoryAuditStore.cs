using System.Collections.Concurrent;
using OrderMonitoring.Processor.Storage;

namespace OrderMonitoring.Processor.Tests.Fakes;

/// <summary>An in-memory audit store that records every write and can be told to fail.</summary>
internal sealed class MemoryAuditStore : IAuditStore
{
    private readonly ConcurrentQueue<string> _writes = new();
    private int _active;
    private int _maxActive;
    private int _calls;

    public ConcurrentDictionary<string, string> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>Every accepted write's key, in the order the writes completed.</summary>
    public IReadOnlyList<string> Writes => [.. _writes];

    /// <summary>Decides per call whether it fails (key in, true = throw).</summary>
    public Func<string, bool> FailWhen { get; set; } = _ => false;

    /// <summary>What a failing call throws (an IOException unless told otherwise).</summary>
    public Func<string, Exception> Error { get; set; } = key => new IOException($"simulated store failure for {key}");

    /// <summary>How many times PutAsync was called, failed calls included.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public TimeSpan Latency { get; set; }

    /// <summary>The most writes in flight at once.</summary>
    public int MaxConcurrentWrites => Volatile.Read(ref _maxActive);

    public async Task PutAsync(string key, string json, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var active = Interlocked.Increment(ref _active);
        try
        {
            int seen;
            while (active > (seen = Volatile.Read(ref _maxActive)) && Interlocked.CompareExchange(ref _maxActive, active, seen) != seen)
            {
            }

            await Task.Delay(Latency == TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : Latency, cancellationToken);
            if (FailWhen(key))
            {
                throw Error(key);
            }

            Objects[key] = json;
            _writes.Enqueue(key);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }
}
