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

    /// <summary>Every key listing: its prefix and where it started.</summary>
    public List<(string Prefix, string? StartAfter)> Listed { get; } = [];

    /// <summary>Every folder listing's prefix, in order.</summary>
    public List<string> FoldersListed { get; } = [];

    /// <summary>Conditional writes refused because the key was taken.</summary>
    public int Refused { get; private set; }

    public void Put(string key, string text) => Objects[key] = Encoding.UTF8.GetBytes(text);

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, string? startAfter, CancellationToken cancellationToken)
    {
        lock (Listed)
        {
            Listed.Add((prefix, startAfter));
        }

        IReadOnlyList<string> keys = Objects.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && (startAfter is null || string.CompareOrdinal(k, startAfter) > 0))
            .Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(keys);
    }

    public Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (FoldersListed)
        {
            FoldersListed.Add(prefix);
        }

        IReadOnlyList<string> folders = Objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) > 0)
            .Select(k => k.Substring(0, k.IndexOf('/', prefix.Length) + 1)).Distinct().Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(folders);
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
