using Amazon.Runtime;

namespace OrderMonitoring.Aws.Tests;

/// <summary>
/// Credentials handed over as objects: ours pass through; another AWSSDK.Core build's (here: classes of the same shape,
/// as AWS.Tools' types look from our load context) are asked at every use; AWS.Tools' session wrapper is unwrapped.
/// </summary>
public sealed class CredentialObjectTests
{
    [Fact]
    public void Our_own_credentials_pass_through_unchanged()
    {
        var ours = new BasicAWSCredentials("AKIAOURS00000000000", "ours-secret-000000000");

        Assert.Same(ours, CredentialObject.Adapt(ours, "-Credential"));
    }

    [Fact]
    public void Credentials_of_another_build_are_asked_again_at_every_use_so_refreshing_ones_keep_refreshing()
    {
        var theirs = new OtherBuildCredentials();
        var adapted = CredentialObject.Adapt(theirs, "-Credential");

        var first = adapted.GetCredentials();
        theirs.Rotate();
        var second = adapted.GetCredentials();

        Assert.Equal("AKIAOTHER1000000000", first.AccessKey);
        Assert.Equal("AKIAOTHER2000000000", second.AccessKey);
        Assert.Equal("token-2", second.Token);
        Assert.Equal(2, theirs.Calls);
        Assert.Same(theirs, CredentialObject.Original(adapted));
    }

    [Fact]
    public async Task The_async_path_awaits_the_other_builds_own_async_method()
    {
        var theirs = new OtherBuildCredentials();

        var identity = await CredentialObject.Adapt(theirs, "-Credential").GetCredentialsAsync();

        Assert.Equal("AKIAOTHER1000000000", identity.AccessKey);
        Assert.Equal(1, theirs.AsyncCalls);
    }

    [Fact]
    public void The_session_wrapper_of_AWS_Tools_is_unwrapped_through_its_internal_property()
    {
        var wrapper = new SessionWrapper(new OtherBuildCredentials());

        Assert.Equal("AKIAOTHER1000000000", CredentialObject.Adapt(wrapper, "$StoredAWSCredentials").GetCredentials().AccessKey);
    }

    [Fact]
    public void Something_that_is_not_credentials_is_refused_with_its_source_and_type_named()
    {
        var error = Assert.Throws<AwsConfigurationException>(() => CredentialObject.Adapt(new Uri("http://127.0.0.1"), "-Credential"));

        Assert.Contains("-Credential", error.Message, StringComparison.Ordinal);
        Assert.Contains("System.Uri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failures_and_empty_keys_of_the_other_build_become_configuration_errors_without_secrets()
    {
        var failing = CredentialObject.Adapt(new OtherBuildCredentials { Failure = "token expired" }, "-Credential");
        var empty = CredentialObject.Adapt(new OtherBuildCredentials { SecretKey = string.Empty }, "-Credential");

        Assert.Contains("token expired", Assert.Throws<AwsConfigurationException>(() => failing.GetCredentials()).Message, StringComparison.Ordinal);
        Assert.Contains("no access key or secret key", Assert.Throws<AwsConfigurationException>(() => empty.GetCredentials()).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-", failing.ToString(), StringComparison.Ordinal);
    }

    /// <summary>What AWSCredentials of another AWSSDK.Core build look like from here: same member names, other types.</summary>
    public sealed class OtherBuildCredentials
    {
        private int _generation = 1;

        public int Calls { get; private set; }

        public int AsyncCalls { get; private set; }

        public string? Failure { get; init; }

        public string SecretKey { get; init; } = "other-secret-0000000000";

        public void Rotate() => _generation++;

        public OtherBuildIdentity GetCredentials()
        {
            Calls++;
            return Failure is null ? Current() : throw new InvalidOperationException(Failure);
        }

        public async Task<OtherBuildIdentity> GetCredentialsAsync()
        {
            AsyncCalls++;
            await Task.Yield();
            return Current();
        }

        private OtherBuildIdentity Current() => new($"AKIAOTHER{_generation}000000000", SecretKey, $"token-{_generation}");
    }

    public sealed record OtherBuildIdentity(string AccessKey, string SecretKey, string Token);

    /// <summary>AWS.Tools' AWSPSCredentials: public class, credentials in an internal property.</summary>
    public sealed class SessionWrapper
    {
        public SessionWrapper(OtherBuildCredentials credentials) => Credentials = credentials;

        internal OtherBuildCredentials Credentials { get; }

        public override string ToString() => "Credentials Object";
    }
}
