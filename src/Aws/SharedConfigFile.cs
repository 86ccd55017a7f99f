namespace OrderMonitoring.Aws;

/// <summary>
/// Reads <c>region</c> and <c>endpoint_url</c> of a profile straight from the shared config file
/// (AWS_CONFIG_FILE, else ~/.aws/config). The SDK's profile store only sees a config file next to an
/// existing credentials file; SSO users often have no credentials file at all.
/// </summary>
internal static class SharedConfigFile
{
    public static string? Read(string profileName, string key)
    {
        var path = ConfigPath();
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        var wanted = profileName == "default" ? new[] { "default", "profile default" } : new[] { "profile " + profileName };
        var inSection = false;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith("[", StringComparison.Ordinal) && line.EndsWith("]", StringComparison.Ordinal))
            {
                var section = line.Substring(1, line.Length - 2).Trim();
                inSection = wanted.Any(w => string.Equals(w, section, StringComparison.Ordinal));
                continue;
            }

            var equals = line.IndexOf('=');
            if (inSection && equals > 0 && string.Equals(line.Substring(0, equals).Trim(), key, StringComparison.Ordinal))
            {
                var value = line.Substring(equals + 1).Trim();
                return value.Length == 0 ? null : value;
            }
        }

        return null;
    }

    private static string? ConfigPath()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("AWS_CONFIG_FILE");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".aws", "config");
    }
}
