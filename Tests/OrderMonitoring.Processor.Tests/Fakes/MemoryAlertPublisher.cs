using System.Collections.Concurrent;
using OrderMonitoring.Processor.Alerts;

namespace OrderMonitoring.Processor.Tests.Fakes;

/// <summary>An in-memory alert publisher that records every alert and can be told to fail.</summary>
internal sealed class MemoryAlertPublisher : IAlertPublisher
{
    private readonly ConcurrentQueue<Alert> _published = new();

    public IReadOnlyList<Alert> Published => [.. _published];

    public Func<Alert, bool> FailWhen { get; set; } = _ => false;

    public async Task PublishAsync(Alert alert, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (FailWhen(alert))
        {
            throw new IOException("simulated publish failure");
        }

        _published.Enqueue(alert);
    }
}
