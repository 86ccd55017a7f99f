using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Binding;

namespace OrderMonitoring.Cmdlets.Tests.Binding;

/// <summary>$StoredAWSCredentials in its shapes (AWS Tools' wrapper, a credentials object, a profile name) and -Credential of another build.</summary>
public sealed class SessionCredentialParametersTests
{
    [Fact]
    public void The_session_wrapper_of_AWS_Tools_becomes_the_session_credentials()
    {
        var stored = new StoredWrapper(new BasicAWSCredentials("AKIASESSION00000000", "session-secret-0000000000"));

        var settings = new ConnectionParameters { SessionCredential = stored }.ToSettings();

        Assert.Null(settings.Credentials);
        Assert.Equal("AKIASESSION00000000", settings.SessionCredentials!.GetCredentials().AccessKey);
    }

    [Fact]
    public void A_profile_name_in_the_session_variable_becomes_the_session_profile()
    {
        var settings = new ConnectionParameters { SessionCredential = "ops" }.ToSettings();

        Assert.Equal("ops", settings.SessionProfileName);
        Assert.Null(settings.SessionCredentials);
    }

    [Fact]
    public void A_credential_object_of_another_build_is_adapted_for_minus_Credential()
    {
        var theirs = new OtherBuildCredentials();

        var settings = new ConnectionParameters { Credential = theirs }.ToSettings();

        Assert.Equal("AKIAOTHER0000000000", settings.Credentials!.GetCredentials().AccessKey);
        Assert.Same(theirs, CredentialObject.Original(settings.Credentials));
    }

    [Fact]
    public void The_session_variable_is_not_read_when_explicit_credentials_or_a_profile_are_given()
    {
        var notCredentials = new Uri("http://127.0.0.1");

        var withKeys = new ConnectionParameters { AccessKey = "AKIAKEYS00000000000", SecretKey = "keys-secret-0000000000", SessionCredential = notCredentials }.ToSettings();
        var withProfile = new ConnectionParameters { ProfileName = "ops", SessionCredential = notCredentials }.ToSettings();

        Assert.Null(withKeys.SessionCredentials);
        Assert.Null(withProfile.SessionCredentials);
        Assert.Throws<AwsConfigurationException>(() => new ConnectionParameters { SessionCredential = notCredentials }.ToSettings());
    }

    [Fact]
    public void The_caller_sources_name_the_parameters_and_the_session_variable()
    {
        var sources = new ConnectionParameters().ToSettings().CallerCredentialSources;

        Assert.Contains(sources, source => source.Contains("-Credential", StringComparison.Ordinal));
        Assert.Contains(sources, source => source.Contains("$StoredAWSCredentials", StringComparison.Ordinal));
    }

    private sealed class StoredWrapper(AWSCredentials credentials)
    {
        internal AWSCredentials Credentials { get; } = credentials;
    }

    public sealed class OtherBuildCredentials
    {
        public OtherBuildIdentity GetCredentials() => new("AKIAOTHER0000000000", "other-secret-0000000000", null);
    }

    public sealed record OtherBuildIdentity(string AccessKey, string SecretKey, string? Token);
}
