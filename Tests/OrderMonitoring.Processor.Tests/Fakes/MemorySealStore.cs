using System.Collections.Concurrent;
using System.Text;
using OrderMonitoring.Processor.Storage;

namespace OrderMonitoring.Processor.Tests.Fakes;

/// <summary>An in-memory audit bucket for a sealer: listed in S3's key order, read by exact bytes, written only where nothing is.</summary>
internal sealed class MemorySealStore : ISealStore
{
    public ConcurrentDictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys still listed but gone when read (deleted between the listing and the read).</summary>
    public HashSet<string> GoneWhenRead { get; } = new(StringComparer.Ordinal);

    /// <summary>Every prefix listed, in order.</summary>
    public List<string> Listed { get; } = [];

    /// <summary>Conditional writes refused because the key was taken.</summary>
    public int Refused { get; private set; }

    public void Put(string key, string text) => Objects[key] = Encoding.UTF8.GetBytes(text);

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (Listed)
        {
            Listed.Add(prefix);
        }

        IReadOnlyList<string> keys = Objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(keys);
    }

    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(!GoneWhenRead.Contains(key) && Objects.TryGetValue(key, out var bytes) ? bytes : null);

    public Task<bool> PutIfAbsentAsync(string key, string json, CancellationToken cancellationToken)
    {
        if (Objects.TryAdd(key, Encoding.UTF8.GetBytes(json)))
        {
            return Task.FromResult(true);
        }

        Refused++;
        return Task.FromResult(false);
    }
}
