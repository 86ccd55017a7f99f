using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Digests;

/// <summary>
/// One writer's chain of digests: each batch's digest names the one before it. A chain lives as long as its processor
/// (a Lambda execution environment runs one batch at a time; an in-process run is one chain), because a DynamoDB
/// stream event does not say which shard it came from. The previous digest is therefore always known in memory: no
/// batch waits for a look-up. Batches that overlap still link in the order they began.
/// </summary>
public sealed class DigestChain
{
    private readonly object _gate = new();
    private long _position;
    private Task<DigestLink?> _last = Task.FromResult<DigestLink?>(null);

    public DigestChain(string id)
    {
        Id = AuditKey.IsValidChainId(id) ? id : throw new ArgumentException($"'{id}' is not a valid chain id.", nameof(id));
    }

    public string Id { get; }

    /// <summary>A new chain named by its start time (so a day lists its chains in the order they began) and a random part.</summary>
    public static DigestChain Start(TimeProvider time) =>
        new((time ?? throw new ArgumentNullException(nameof(time))).GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            + "-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    /// <summary>
    /// The next position, the previous digest's link (complete once that batch's digest is written or given up) and
    /// the slot this batch must fill: with its own link when written, else with the previous one, so the chain never
    /// names a digest that does not exist.
    /// </summary>
    internal (long Position, Task<DigestLink?> Previous, TaskCompletionSource<DigestLink?> Mine) Reserve()
    {
        lock (_gate)
        {
            var mine = new TaskCompletionSource<DigestLink?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var previous = _last;
            _last = mine.Task;
            return (++_position, previous, mine);
        }
    }
}
