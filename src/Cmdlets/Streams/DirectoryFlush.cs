using System.ComponentModel;
using System.Runtime.InteropServices;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// Makes a rename in a folder durable. Replacing a file by rename changes the folder, not the file: on Linux and macOS
/// the new entry reaches the disk only when the folder itself is flushed, so a crash right after the rename could bring
/// back the old file. .NET cannot open a folder as a file, so the folder is opened and fsync'd through the C library.
/// </summary>
internal static class DirectoryFlush
{
    // fsync answers EINVAL where the file system cannot flush a folder (some network and FUSE file systems): nothing more can be done there.
    private const int InvalidArgument = 22;

    /// <summary>Flushes <paramref name="directory"/>'s entries to the disk; nothing on Windows (see the comment inside).</summary>
    public static void Flush(string directory)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            // Windows has no folder flush for an ordinary process: FlushFileBuffers flushes one file's data (or a whole
            // volume, with administrative rights). NTFS journals the rename of File.Replace/File.Move as metadata.
            return;
        }

        // O_RDONLY (0) opens a folder on Linux and macOS alike (O_DIRECTORY's value differs between them).
        var descriptor = NativeMethods.open(System.Text.Encoding.UTF8.GetBytes(directory + "\0"), 0);
        if (descriptor < 0)
        {
            throw Error("open", directory);
        }

        try
        {
            if (NativeMethods.fsync(descriptor) != 0 && Marshal.GetLastWin32Error() != InvalidArgument)
            {
                throw Error("fsync", directory);
            }
        }
        finally
        {
            _ = NativeMethods.close(descriptor);
        }
    }

    private static IOException Error(string call, string directory)
    {
        var errno = Marshal.GetLastWin32Error();
        return new IOException($"Could not flush the folder {directory} to the disk ({call}: {new Win32Exception(errno).Message}, errno {errno}).");
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int open(byte[] path, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fsync(int descriptor);

        [DllImport("libc", SetLastError = true)]
        public static extern int close(int descriptor);
    }
}
