using Amazon.Runtime;

namespace OrderMonitoring.Aws.Tests;

/// <summary>The session's credentials (AWS Tools' Set-AWSCredential) in the credential order, and the "none found" message.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class SessionCredentialsTests
{
    private static readonly AWSCredentials Session = new BasicAWSCredentials("AKIASESSION00000000", "session-secret-0000000000");

    [Fact]
    public void Session_credentials_come_after_explicit_credentials_and_an_explicit_profile_and_before_the_environment()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1")
            .Set("AWS_ACCESS_KEY_ID", "AKIAFROMENV00000000").Set("AWS_SECRET_ACCESS_KEY", "env-secret-key-0000000000");
        File.WriteAllText(env.CredentialsFile, "[ops]\naws_access_key_id = AKIAOPS000000000000\naws_secret_access_key = ops-secret-0000000000\n");
        var given = new BasicAWSCredentials("AKIAGIVEN0000000000", "given-secret-key-0000000000");

        Assert.Equal("AKIASESSION00000000", AccessKey(new() { SessionCredentials = Session }));
        Assert.Equal("AKIAOPS000000000000", AccessKey(new() { SessionCredentials = Session, ProfileName = "ops" }));
        Assert.Equal("AKIAGIVEN0000000000", AccessKey(new() { SessionCredentials = Session, Credentials = given }));
    }

    [Fact]
    public void A_session_profile_name_gives_that_profiles_credentials_and_a_missing_one_names_the_session_variable()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1")
            .Set("AWS_ACCESS_KEY_ID", "AKIAFROMENV00000000").Set("AWS_SECRET_ACCESS_KEY", "env-secret-key-0000000000");
        File.WriteAllText(env.CredentialsFile, "[ops]\naws_access_key_id = AKIAOPS000000000000\naws_secret_access_key = ops-secret-0000000000\n");

        Assert.Equal("AKIAOPS000000000000", AccessKey(new() { SessionProfileName = "ops" }));
        var missing = Assert.Throws<AwsConfigurationException>(() => AwsConnection.Resolve(new() { SessionProfileName = "gone" }));
        Assert.Contains("'gone'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("$StoredAWSCredentials", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_credentials_lists_every_place_looked_at_in_order_without_the_sdks_provider_noise()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1").Set("AWS_PROFILE", "ops");

        var error = Assert.Throws<AwsConfigurationException>(() => AwsConnection.Resolve(new()
        {
            CallerCredentialSources = ["-Credential (none given)", "$StoredAWSCredentials (not set)"],
        }));

        var places = new[] { "-Credential (none given)", "$StoredAWSCredentials (not set)", "AWS_ACCESS_KEY_ID", "the profile 'ops'" };
        var positions = places.Select(place => error.Message.IndexOf(place, StringComparison.Ordinal)).ToList();
        Assert.All(positions, position => Assert.True(position >= 0, error.Message));
        Assert.Equal(positions.OrderBy(position => position), positions);
        Assert.DoesNotContain("web identity", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("instance metadata", error.Message, StringComparison.Ordinal); // AWS_EC2_METADATA_DISABLED=true: not looked at
        Assert.DoesNotContain(error.InnerException!.Message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_web_identity_and_container_sources_are_listed_when_they_are_configured()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1")
            .Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x");

        var message = CredentialChain.NothingFoundMessage(new AwsConnectionSettings());

        Assert.Contains("the container credentials endpoint", message, StringComparison.Ordinal);
        env.Set("AWS_WEB_IDENTITY_TOKEN_FILE", Path.Combine(env.Directory, "token"));
        Assert.Contains("AWS_WEB_IDENTITY_TOKEN_FILE", CredentialChain.NothingFoundMessage(new AwsConnectionSettings()), StringComparison.Ordinal);
    }

    private static string AccessKey(AwsConnectionSettings settings) => AwsConnection.Resolve(settings).Credentials.GetCredentials().AccessKey;
}
