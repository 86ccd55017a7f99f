using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace OrderMonitoring.Aws;

/// <summary>
/// Which credentials a connection signs with, in AWS Tools for PowerShell's order: explicit credentials, an explicit
/// profile (or the default profile of an explicit credentials file), the session's credentials (Set-AWSCredential),
/// then the SDK's default chain (environment, profile, web identity, container, instance metadata).
/// </summary>
internal static class CredentialChain
{
    private const string SessionSource = "the session's credentials from Set-AWSCredential ($StoredAWSCredentials)";

    public static AWSCredentials Resolve(AwsConnectionSettings settings, CredentialProfile? profile)
    {
        if (settings.Credentials is not null)
        {
            return settings.Credentials;
        }

        // A named profile, or the default profile of a credentials file the caller named (-ProfileLocation without
        // -ProfileName, as AWS Tools reads it), wins over the session and the environment.
        if (profile is not null && (settings.ProfileName is not null || !string.IsNullOrWhiteSpace(settings.ProfileLocation)))
        {
            return FromProfile(profile);
        }

        if (settings.SessionCredentials is not null)
        {
            return settings.SessionCredentials;
        }

        if (settings.SessionProfileName is { } sessionProfile)
        {
            return FromSessionProfile(sessionProfile, settings.ProfileLocation);
        }

        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        }
        catch (AmazonClientException ex)
        {
            // The SDK's own message describes its last failed provider (usually web identity, whatever was tried
            // first); the list of every place looked at is what a user can act on.
            throw new AwsConfigurationException(NothingFoundMessage(settings), ex);
        }
    }

    /// <summary>Every place looked at, in order, and what to do; no secrets, no SDK provider internals.</summary>
    internal static string NothingFoundMessage(AwsConnectionSettings settings)
    {
        var profileName = Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } named ? named : "default";
        var webIdentity = Environment.GetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE") is { Length: > 0 }
            ? "a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)"
            : null;
        var container = Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI") is { Length: > 0 }
            ? "the container credentials endpoint"
            : null;
        var instance = string.Equals(Environment.GetEnvironmentVariable("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : "the EC2 instance metadata service";
        var looked = settings.CallerCredentialSources
            .Concat(
            [
                "the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                $"the profile '{profileName}' in the shared credentials and config files (keys, SSO, credential_process, role)",
            ])
            .Concat(new[] { webIdentity, container, instance }.OfType<string>());
        return "No AWS credentials found. Looked at, in order: " + string.Join("; ", looked) + ". "
            + "Pass -Credential or -ProfileName, run Set-AWSCredential, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or sign in with 'aws sso login'.";
    }

    private static AWSCredentials FromProfile(CredentialProfile profile)
    {
        try
        {
            return profile.GetAWSCredentials(profile.CredentialProfileStore);
        }
        catch (Exception ex) when (ex is AmazonClientException or InvalidOperationException or ArgumentException)
        {
            throw new AwsConfigurationException($"The AWS profile '{profile.Name}' has no usable credentials: {ex.Message}", ex);
        }
    }

    private static AWSCredentials FromSessionProfile(string name, string? location)
    {
        // As for -ProfileName: AWS_SHARED_CREDENTIALS_FILE is read per call, so a changed environment is honoured.
        location = string.IsNullOrWhiteSpace(location) ? Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") : location;
        var chain = string.IsNullOrWhiteSpace(location) ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(location);
        return chain.TryGetProfile(name, out var profile)
            ? FromProfile(profile)
            : throw new AwsConfigurationException($"The AWS profile '{name}' named by {SessionSource} was not found. Run Set-AWSCredential again, or Clear-AWSCredential.");
    }
}
