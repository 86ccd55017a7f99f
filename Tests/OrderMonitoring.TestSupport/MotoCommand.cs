using System.Diagnostics;

namespace OrderMonitoring.TestSupport;

/// <summary>How to start moto: the <c>moto_server</c> script on PATH, else <c>python3 -m moto.server</c>.</summary>
internal static class MotoCommand
{
    public static ProcessStartInfo Resolve(int port)
    {
        var arguments = new[] { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var script = FindOnPath(OperatingSystem.IsWindows() ? "moto_server.exe" : "moto_server");
        var start = script is not null
            ? new ProcessStartInfo(script)
            : new ProcessStartInfo(OperatingSystem.IsWindows() ? "python" : "python3") { ArgumentList = { "-m", "moto.server" } };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static string? FindOnPath(string fileName)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
