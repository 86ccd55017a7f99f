using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>Puts shards in the order their records must be read: every parent before its children (as Lambda does).</summary>
internal static class ShardOrder
{
    /// <summary>Parents first; otherwise the service's order. A parent that has aged out of the stream counts as done.</summary>
    public static IReadOnlyList<Shard> ParentsFirst(IReadOnlyList<Shard> shards)
    {
        var known = new HashSet<string>(shards.Where(s => s.ShardId is not null).Select(s => s.ShardId!), StringComparer.Ordinal);
        var emitted = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<Shard>(shards.Count);
        var waiting = shards.Where(s => s.ShardId is not null).ToList();
        while (waiting.Count > 0)
        {
            var ready = waiting.Where(s => s.ParentShardId is null || !known.Contains(s.ParentShardId) || emitted.Contains(s.ParentShardId)).ToList();
            if (ready.Count == 0)
            {
                // A cycle cannot happen in a real stream; keep going rather than loop forever.
                ready = waiting.ToList();
            }

            foreach (var shard in ready)
            {
                ordered.Add(shard);
                emitted.Add(shard.ShardId!);
                waiting.Remove(shard);
            }
        }

        return ordered;
    }
}
