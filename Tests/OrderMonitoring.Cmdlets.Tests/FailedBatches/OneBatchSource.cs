using OrderMonitoring.Cmdlets.FailedBatches;

namespace OrderMonitoring.Cmdlets.Tests.FailedBatches;

/// <summary>A failed-batch source holding one batch ("one"), marked replayed at most once.</summary>
internal sealed class OneBatchSource(string json) : IFailedBatchSource
{
    public bool Marked { get; private set; }

    public string Location => "s3://failed";

    public string WhenReplayed => "mark the batch replayed";

    public string SourceOf(string key) => $"{Location}/{key}";

    public Task<PendingPage> ListPendingPageAsync(string? next, CancellationToken cancellationToken) => Task.FromResult(new PendingPage(Marked ? [] : ["one"], null));

    public Task<string> ReadAsync(string key, CancellationToken cancellationToken) => Task.FromResult(json);

    public Task MarkReplayedAsync(string key, string note, CancellationToken cancellationToken)
    {
        Marked = true;
        return Task.CompletedTask;
    }
}
