namespace OrderMonitoring.Aws.Tests;

/// <summary>Runs a test with a clean, known set of AWS_* variables and restores every original value afterwards.</summary>
internal sealed class EnvironmentScope : IDisposable
{
    private static readonly string[] Managed =
    [
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "AWS_EC2_METADATA_DISABLED", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE",
    ];

    private readonly Dictionary<string, string?> _originals = new();

    public EnvironmentScope()
    {
        Directory = Path.Combine(Path.GetTempPath(), "om-aws-env-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var serviceVariables = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("AWS_ENDPOINT_URL_", StringComparison.Ordinal));
        foreach (var name in Managed.Concat(serviceVariables).Distinct())
        {
            _originals[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, null);
        }

        // Never read the developer's own ~/.aws files, and never wait on instance metadata.
        Set("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(Directory, "credentials"));
        Set("AWS_CONFIG_FILE", Path.Combine(Directory, "config"));
        Set("AWS_EC2_METADATA_DISABLED", "true");
    }

    public string Directory { get; }

    public string CredentialsFile => Path.Combine(Directory, "credentials");

    public string ConfigFile => Path.Combine(Directory, "config");

    public EnvironmentScope Set(string name, string? value)
    {
        if (!_originals.ContainsKey(name))
        {
            _originals[name] = Environment.GetEnvironmentVariable(name);
        }

        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var original in _originals)
        {
            Environment.SetEnvironmentVariable(original.Key, original.Value);
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

/// <summary>Tests that change process environment variables run one at a time, never beside another test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "environment";
}
