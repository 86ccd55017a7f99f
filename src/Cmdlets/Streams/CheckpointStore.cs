using System.Text.Json;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// Where a shard was read to: the last sequence number done, whether the (closed) shard is finished, and when the last
/// record done reached the stream (its ApproximateCreationDateTime), so a gap can be named in time.
/// </summary>
internal sealed record ShardCheckpoint(string? SequenceNumber, bool Finished, DateTimeOffset? LastArrival = null);

/// <summary>Checkpoints per shard of a stream.</summary>
internal interface ICheckpointStore
{
    /// <summary>The shard's checkpoint, or null when it was never read.</summary>
    ShardCheckpoint? Get(string streamArn, string shardId);

    /// <summary>Records progress; durable when it returns.</summary>
    void Save(string streamArn, string shardId, ShardCheckpoint checkpoint);

    /// <summary>Every shard of the stream with a checkpoint (to notice a shard that left the stream unread).</summary>
    IReadOnlyDictionary<string, ShardCheckpoint> All(string streamArn);
}

/// <summary>
/// Checkpoints in JSON files, one per stream, in the user's local application-data folder
/// (<c>OrderMonitoring/checkpoints</c>), or in the folder named by <c>ORDERMONITORING_CHECKPOINT_DIR</c>.
/// Each save replaces the file through a temporary file, so a crash never leaves half a checkpoint.
/// </summary>
internal sealed class FileCheckpointStore : ICheckpointStore
{
    /// <summary>The environment variable that overrides the folder (tests, CI, containers).</summary>
    public const string DirectoryVariable = "ORDERMONITORING_CHECKPOINT_DIR";

    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<string, ShardCheckpoint>> _cache = new(StringComparer.Ordinal);

    public FileCheckpointStore(string? directory = null) => Directory = directory ?? DefaultDirectory();

    /// <summary>The folder holding the checkpoint files.</summary>
    public string Directory { get; }

    /// <summary>The default folder: the variable's value, else LocalApplicationData/OrderMonitoring/checkpoints.</summary>
    public static string DefaultDirectory()
    {
        var overridden = System.Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            return overridden!;
        }

        var local = System.Environment.GetFolderPath(System.Environment.SpecialFolder.LocalApplicationData, System.Environment.SpecialFolderOption.Create);
        if (string.IsNullOrEmpty(local))
        {
            local = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(local, "OrderMonitoring", "checkpoints");
    }

    /// <summary>The file of one stream (a hash of the ARN: ARNs contain characters no file system likes).</summary>
    public string FileFor(string streamArn)
    {
        // The first 16 bytes (32 hex digits) are plenty to tell a user's streams apart.
        return Path.Combine(Directory, Sha256Hex.OfUtf8(streamArn).Substring(0, 32) + ".json");
    }

    public ShardCheckpoint? Get(string streamArn, string shardId)
    {
        lock (_gate)
        {
            return Load(streamArn).TryGetValue(shardId, out var checkpoint) ? checkpoint : null;
        }
    }

    public IReadOnlyDictionary<string, ShardCheckpoint> All(string streamArn)
    {
        lock (_gate)
        {
            return new Dictionary<string, ShardCheckpoint>(Load(streamArn), StringComparer.Ordinal);
        }
    }

    public void Save(string streamArn, string shardId, ShardCheckpoint checkpoint)
    {
        lock (_gate)
        {
            var shards = Load(streamArn);
            shards[shardId] = checkpoint;
            System.IO.Directory.CreateDirectory(Directory);
            var file = FileFor(streamArn);
            var temporary = file + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(new CheckpointFile { StreamArn = streamArn, Shards = shards }));
            if (File.Exists(file))
            {
                File.Replace(temporary, file, null);
            }
            else
            {
                File.Move(temporary, file);
            }
        }
    }

    private Dictionary<string, ShardCheckpoint> Load(string streamArn)
    {
        if (_cache.TryGetValue(streamArn, out var cached))
        {
            return cached;
        }

        var file = FileFor(streamArn);
        var shards = File.Exists(file)
            ? JsonSerializer.Deserialize<CheckpointFile>(File.ReadAllText(file))?.Shards ?? new Dictionary<string, ShardCheckpoint>()
            : new Dictionary<string, ShardCheckpoint>();
        _cache[streamArn] = shards;
        return shards;
    }

    private sealed class CheckpointFile
    {
        public string StreamArn { get; set; } = "";

        public Dictionary<string, ShardCheckpoint> Shards { get; set; } = new();
    }
}
