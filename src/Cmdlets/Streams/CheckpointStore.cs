using System.Text.Json;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;

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

    /// <summary>
    /// Claims the stream's checkpoints for one run until disposed. Two runs at once would read the same records from
    /// the same checkpoint and both process them, so a second claim is refused (<see cref="CheckpointClaim.InUseErrorId"/>).
    /// </summary>
    IDisposable Claim(string streamArn);
}

/// <summary>The refusal of a second run against checkpoints another run holds.</summary>
internal static class CheckpointClaim
{
    /// <summary>The ErrorId of the refusal.</summary>
    public const string InUseErrorId = "CheckpointInUse";

    public static OrderMonitoringException InUse(string streamArn, string where, Exception? cause = null) =>
        new(InUseErrorId, FailureKind.InvalidState,
            $"Another Invoke-OrderEventProcessor -FromStream is processing the stream {streamArn} with the checkpoints in {where}; "
            + "a second run at the same time would process the same records again, so this one did not start.",
            "Wait until the other run ends (or stop it), then run again; it continues from the checkpoint.", cause);
}

/// <summary>
/// Checkpoints in JSON files, one per stream, in the user's local application-data folder
/// (<c>OrderMonitoring/checkpoints</c>), or in the folder named by <c>ORDERMONITORING_CHECKPOINT_DIR</c>.
/// Each save writes a temporary file, flushes it to the disk, replaces the checkpoint file with it and flushes the folder
/// (where the rename is recorded; see <see cref="DirectoryFlush"/>), so a crash or a power cut never leaves half a
/// checkpoint (nor an older one after the save returned). A run holds a lock file
/// per stream (<see cref="Claim"/>), which the operating system releases when the process ends, however it ends.
/// </summary>
internal sealed class FileCheckpointStore : ICheckpointStore
{
    /// <summary>The environment variable that overrides the folder (tests, CI, containers).</summary>
    public const string DirectoryVariable = "ORDERMONITORING_CHECKPOINT_DIR";

    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<string, ShardCheckpoint>> _cache = new(StringComparer.Ordinal);

    private readonly Action<string> _flushDirectory;

    /// <param name="directory">The folder; <see cref="DefaultDirectory"/> when null.</param>
    /// <param name="flushDirectory">Makes the folder's entries durable after the replace; <see cref="DirectoryFlush.Flush"/> unless a test watches it.</param>
    public FileCheckpointStore(string? directory = null, Action<string>? flushDirectory = null)
    {
        Directory = directory ?? DefaultDirectory();
        _flushDirectory = flushDirectory ?? DirectoryFlush.Flush;
    }

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
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, new CheckpointFile { StreamArn = streamArn, Shards = shards });
                stream.Flush(flushToDisk: true);
            }

            if (File.Exists(file))
            {
                File.Replace(temporary, file, null);
            }
            else
            {
                File.Move(temporary, file);
            }

            // The replace is a rename in the folder: durable only once the folder is flushed too.
            _flushDirectory(Directory);
        }
    }

    public IDisposable Claim(string streamArn)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var lockFile = Path.ChangeExtension(FileFor(streamArn), ".lock");
        try
        {
            // FileShare.None is an exclusive lock (flock on Unix, a sharing lock on Windows), across processes and
            // across runspaces of one process alike. The file stays; only the open handle is the claim.
            return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException held) when (held is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw CheckpointClaim.InUse(streamArn, Directory, held);
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
