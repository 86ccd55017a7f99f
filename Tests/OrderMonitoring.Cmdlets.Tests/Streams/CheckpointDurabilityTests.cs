using System.Runtime.InteropServices;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.Tests.Streams;

/// <summary>A saved checkpoint survives a crash: the file flushed, the replace done, then the folder holding the rename flushed.</summary>
public sealed class CheckpointDurabilityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Each_save_flushes_the_folder_after_the_checkpoint_file_is_in_place()
    {
        var flushes = new List<(string Folder, string? Saved)>();
        var store = new FileCheckpointStore(_directory, folder => flushes.Add((folder, Read(folder))));

        store.Save("arn:a", "shard-1", new ShardCheckpoint("1", Finished: false));
        store.Save("arn:a", "shard-1", new ShardCheckpoint("2", Finished: false));

        Assert.Equal(2, flushes.Count);
        Assert.All(flushes, flush => Assert.Equal(_directory, flush.Folder));
        // At each flush the checkpoint file already holds that save (the rename is what the flush makes durable).
        Assert.Contains("\"1\"", flushes[0].Saved, StringComparison.Ordinal);
        Assert.Contains("\"2\"", flushes[1].Saved, StringComparison.Ordinal);

        string Read(string folder) => File.ReadAllText(Directory.GetFiles(folder, "*.json").Single());
    }

    [Fact]
    public void The_platform_flush_opens_and_fsyncs_a_real_folder_and_names_a_missing_one()
    {
        DirectoryFlush.Flush(_directory);

        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            var missing = Path.Combine(_directory, "missing");
            var error = Assert.Throws<IOException>(() => DirectoryFlush.Flush(missing));
            Assert.Contains(missing, error.Message, StringComparison.Ordinal);
            Assert.Contains("open", error.Message, StringComparison.Ordinal);
        }
    }
}
