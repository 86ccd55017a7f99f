using System.Collections.Concurrent;
using OrderMonitoring.Processor.Alerts;

namespace OrderMonitoring.Processor.Tests.Fakes;

/// <summary>An in-memory alert publisher that records every alert and can be told to fail.</summary>
internal sealed class MemoryAlertPublisher : IAlertPublisher
{
    private readonly ConcurrentQueue<Alert> _published = new();
    private int _calls;

    public IReadOnlyList<Alert> Published => [.. _published];

    public Func<Alert, bool> FailWhen { get; set; } = _ => false;

    /// <summary>What a failing call throws (an IOException unless told otherwise).</summary>
    public Func<Exception> Error { get; set; } = () => new IOException("simulated publish failure");

    /// <summary>How many times PublishAsync was called, failed calls included.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public async Task PublishAsync(Alert alert, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        await Task.Yield();
        if (FailWhen(alert))
        {
            throw Error();
        }

        _published.Enqueue(alert);
    }
}
