using Amazon.Runtime;
using Amazon.S3;

namespace OrderMonitoring.Aws.Tests;

/// <summary>Each precedence rule of region, credentials and endpoint resolution, with the environment set per test.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class AwsConnectionTests
{
    private static readonly AWSCredentials Given = new BasicAWSCredentials("AKIAGIVEN0000000000", "given-secret-key-0000000000");

    [Fact]
    public void Explicit_region_beats_AWS_REGION_which_beats_AWS_DEFAULT_REGION_which_beats_the_profile()
    {
        using var env = new EnvironmentScope();
        File.WriteAllText(env.ConfigFile, "[default]\nregion = ap-south-1\n");
        Assert.Equal("ap-south-1", Resolve(new() { Credentials = Given }).Region.SystemName);
        env.Set("AWS_DEFAULT_REGION", "eu-central-1");
        Assert.Equal("eu-central-1", Resolve(new() { Credentials = Given }).Region.SystemName);
        env.Set("AWS_REGION", "eu-west-1");
        Assert.Equal("eu-west-1", Resolve(new() { Credentials = Given }).Region.SystemName);
        Assert.Equal("us-west-2", Resolve(new() { Credentials = Given, Region = "us-west-2" }).Region.SystemName);
    }

    [Fact]
    public void Missing_or_malformed_region_is_a_clear_error()
    {
        using var env = new EnvironmentScope();
        var missing = Assert.Throws<AwsConfigurationException>(() => Resolve(new() { Credentials = Given }));
        var malformed = Assert.Throws<AwsConfigurationException>(() => Resolve(new() { Credentials = Given, Region = "US East" }));

        Assert.Contains("AWS_REGION", missing.Message, StringComparison.Ordinal);
        Assert.Contains("-Region", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'US East'", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_credentials_beat_a_named_profile_which_beats_the_environment()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1")
            .Set("AWS_ACCESS_KEY_ID", "AKIAFROMENV00000000").Set("AWS_SECRET_ACCESS_KEY", "env-secret-key-0000000000");
        File.WriteAllText(env.CredentialsFile,
            "[default]\naws_access_key_id = AKIADEFAULT00000000\naws_secret_access_key = default-secret-000000\n"
            + "[ops]\naws_access_key_id = AKIAOPS000000000000\naws_secret_access_key = ops-secret-0000000000\n");

        Assert.Equal("AKIAFROMENV00000000", AccessKey(Resolve(new())));
        Assert.Equal("AKIAOPS000000000000", AccessKey(Resolve(new() { ProfileName = "ops" })));
        Assert.Equal("AKIAGIVEN0000000000", AccessKey(Resolve(new() { ProfileName = "ops", Credentials = Given })));
    }

    [Fact]
    public void A_named_credentials_file_without_a_profile_name_gives_its_default_profiles_credentials()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1")
            .Set("AWS_ACCESS_KEY_ID", "AKIAFROMENV00000000").Set("AWS_SECRET_ACCESS_KEY", "env-secret-key-0000000000");
        var other = Path.Combine(env.Directory, "team-credentials");
        File.WriteAllText(other, "[default]\naws_access_key_id = AKIATEAMFILE0000000\naws_secret_access_key = team-secret-000000000\n");

        Assert.Equal("AKIATEAMFILE0000000", AccessKey(Resolve(new() { ProfileLocation = other })));
    }

    [Fact]
    public void Deferred_credentials_are_found_on_first_use_while_region_and_profile_are_checked_at_once()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "eu-west-1")
            .Set("AWS_ACCESS_KEY_ID", "AKIAFROMENV00000000").Set("AWS_SECRET_ACCESS_KEY", "env-secret-key-0000000000");

        var connection = Resolve(new() { }, deferCredentials: true);
        Assert.IsType<DeferredCredentials>(connection.Credentials);
        Assert.Equal("eu-west-1", connection.Region.SystemName);
        Assert.Equal("AKIAFROMENV00000000", AccessKey(connection));

        Assert.Same(Given, Resolve(new() { Credentials = Given }, deferCredentials: true).Credentials);
        Assert.Throws<AwsConfigurationException>(() => Resolve(new() { ProfileName = "typo" }, deferCredentials: true));
    }

    [Fact]
    public async Task Deferred_credentials_look_once_and_not_before_they_are_used()
    {
        var lookups = 0;
        var deferred = new DeferredCredentials(() => { lookups++; return Given; });
        Assert.Equal(0, lookups);

        Assert.Equal("AKIAGIVEN0000000000", deferred.GetCredentials().AccessKey);
        Assert.Equal("AKIAGIVEN0000000000", (await deferred.GetCredentialsAsync()).AccessKey);
        Assert.Equal(1, lookups);
    }

    [Fact]
    public void Missing_named_profile_is_an_error_and_never_falls_back_to_default()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1");
        File.WriteAllText(env.CredentialsFile, "[default]\naws_access_key_id = AKIADEFAULT00000000\naws_secret_access_key = default-secret-000000\n");

        var error = Assert.Throws<AwsConfigurationException>(() => Resolve(new() { ProfileName = "typo" }));

        Assert.Contains("'typo'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_credentials_anywhere_is_a_clear_error()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1");

        var error = Assert.Throws<AwsConfigurationException>(() => Resolve(new()));

        Assert.Contains("No AWS credentials found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_precedence_is_explicit_then_service_variable_then_generic_variable_then_profile_then_regional()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1");
        Assert.Null(Resolve(new() { Credentials = Given }).EndpointFor(AwsServiceIds.Sns));
        File.WriteAllText(env.ConfigFile, "[default]\nendpoint_url = http://127.0.0.1:4001\n");
        Assert.Equal(new Uri("http://127.0.0.1:4001"), Resolve(new() { Credentials = Given }).EndpointFor(AwsServiceIds.Sns));
        env.Set("AWS_ENDPOINT_URL", "http://127.0.0.1:4002");
        Assert.Equal(new Uri("http://127.0.0.1:4002"), Resolve(new() { Credentials = Given }).EndpointFor(AwsServiceIds.Sns));
        env.Set("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "http://127.0.0.1:4003");
        var connection = Resolve(new() { Credentials = Given });
        Assert.Equal(new Uri("http://127.0.0.1:4003"), connection.EndpointFor(AwsServiceIds.DynamoDBStreams));
        Assert.Equal(new Uri("http://127.0.0.1:4002"), connection.EndpointFor(AwsServiceIds.Sns));
        var explicitOne = Resolve(new() { Credentials = Given, EndpointUrl = new Uri("http://127.0.0.1:4004") });
        Assert.Equal(new Uri("http://127.0.0.1:4004"), explicitOne.EndpointFor(AwsServiceIds.DynamoDBStreams));
        env.Set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
        Assert.Null(Resolve(new() { Credentials = Given }).EndpointFor(AwsServiceIds.DynamoDBStreams));
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL", "http://admin:Sup3rSecret@127.0.0.1:4566")]
    [InlineData("AWS_ENDPOINT_URL_SNS", "http://admin:Sup3r@Secret@127.0.0.1:4566/")]
    [InlineData("AWS_ENDPOINT_URL", "http://Sup3rSecret@127.0.0.1:4566")]
    public void An_endpoint_with_a_password_is_refused_without_repeating_it(string variable, string url)
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1").Set(variable, url);

        var error = Assert.Throws<AwsConfigurationException>(() => Resolve(new() { Credentials = Given }));

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
        Assert.Contains("http://***@127.0.0.1:4566", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3r", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_endpoint_with_a_password_is_refused_and_settings_never_show_it()
    {
        var settings = new AwsConnectionSettings { Credentials = Given, Region = "us-east-1", EndpointUrl = new Uri("http://admin:Sup3rSecret@127.0.0.1:4566") };

        var error = Assert.Throws<AwsConfigurationException>(() => AwsConnection.Resolve(settings));

        Assert.Contains("-EndpointUrl", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3rSecret", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3rSecret", settings.ToString(), StringComparison.Ordinal);
        Assert.Contains("http://***@127.0.0.1:4566", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4566", "http://127.0.0.1:4566")]
    [InlineData("https://user:pw@example.test/path@x", "https://***@example.test/path@x")]
    [InlineData("user:pw@localhost:4566", "***@localhost:4566")]
    [InlineData("not a url", "not a url")]
    [InlineData("", "")]
    public void Endpoint_text_for_messages_hides_user_information_only(string text, string expected) =>
        Assert.Equal(expected, EndpointText.ForMessage(text));

    [Fact]
    public void Malformed_endpoint_is_a_clear_error_naming_its_source()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-east-1").Set("AWS_ENDPOINT_URL_SNS", "localhost:4566");

        var error = Assert.Throws<AwsConfigurationException>(() => Resolve(new() { Credentials = Given }));

        Assert.Contains("AWS_ENDPOINT_URL_SNS", error.Message, StringComparison.Ordinal);
        Assert.Contains("localhost:4566", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sdk_clients_use_the_resolved_endpoint_and_path_style_only_for_custom_endpoints()
    {
        using var env = new EnvironmentScope();
        using var custom = (AmazonS3Client)new AwsClientFactory(Resolve(new() { Credentials = Given, Region = "eu-west-1", EndpointUrl = new Uri("http://127.0.0.1:4566") })).CreateS3();
        using var regional = (AmazonS3Client)new AwsClientFactory(Resolve(new() { Credentials = Given, Region = "eu-west-1" })).CreateS3();

        Assert.True(((AmazonS3Config)custom.Config).ForcePathStyle);
        Assert.StartsWith("http://127.0.0.1:4566", custom.Config.ServiceURL, StringComparison.Ordinal);
        Assert.Equal("eu-west-1", custom.Config.AuthenticationRegion);
        Assert.False(((AmazonS3Config)regional.Config).ForcePathStyle);
        Assert.Equal("eu-west-1", regional.Config.RegionEndpoint.SystemName);
    }

    [Fact]
    public void An_unknown_region_is_refused_when_asked_unless_one_endpoint_serves_every_service()
    {
        using var env = new EnvironmentScope();
        var typo = new AwsConnectionSettings { Credentials = Given, Region = "eu-wst-1", RefuseUnknownRegion = true };

        var refused = Assert.Throws<AwsConfigurationException>(() => Resolve(typo));
        Assert.Contains("'eu-wst-1' (from -Region) is not an AWS region", refused.Message, StringComparison.Ordinal);
        Assert.Equal("eu-west-1", Resolve(new() { Credentials = Given, Region = "eu-west-1", RefuseUnknownRegion = true }).Region.SystemName);
        Assert.Equal("eu-wst-1", Resolve(new() { Credentials = Given, Region = "eu-wst-1", RefuseUnknownRegion = true, EndpointUrl = new Uri("http://127.0.0.1:4566") }).Region.SystemName);
        Assert.Equal("eu-wst-1", Resolve(new() { Credentials = Given, Region = "eu-wst-1" }).Region.SystemName);

        env.Set("AWS_ENDPOINT_URL_CLOUDFORMATION", "http://127.0.0.1:4566");
        Assert.Throws<AwsConfigurationException>(() => Resolve(typo));
        env.Set("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
        Assert.Equal("eu-wst-1", Resolve(typo).Region.SystemName);
    }

    [Theory]
    [InlineData("http://orders.example.com:4566", true)]
    [InlineData("http://10.0.0.5:4566", true)]
    [InlineData("https://orders.example.com", false)]
    [InlineData("http://127.0.0.1:5000", false)]
    [InlineData("http://127.10.0.1:5000", false)]
    [InlineData("http://localhost:4566", false)]
    [InlineData("http://[::1]:4566", false)]
    public void Plain_http_to_another_machine_is_recognised(string url, bool expected) =>
        Assert.Equal(expected, EndpointText.IsPlainHttpToAnotherHost(new Uri(url)));

    [Fact]
    public void Custom_endpoints_lists_each_endpoint_a_request_may_go_to()
    {
        using var env = new EnvironmentScope();
        Assert.Empty(Resolve(new() { Credentials = Given, Region = "us-east-1" }).CustomEndpoints);

        env.Set("AWS_ENDPOINT_URL_SNS", "http://10.0.0.5:4566").Set("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
        var configured = Resolve(new() { Credentials = Given, Region = "us-east-1" }).CustomEndpoints.Select(uri => uri.ToString()).OrderBy(text => text, StringComparer.Ordinal);
        var explicitOnly = Resolve(new() { Credentials = Given, Region = "us-east-1", EndpointUrl = new Uri("https://emulator.example.com") }).CustomEndpoints;

        Assert.Equal(["http://10.0.0.5:4566/", "http://127.0.0.1:4566/"], configured);
        Assert.Equal("https://emulator.example.com/", Assert.Single(explicitOnly).ToString());
    }

    private static AwsConnection Resolve(AwsConnectionSettings settings, bool deferCredentials = false) => AwsConnection.Resolve(settings, deferCredentials);

    private static string AccessKey(AwsConnection connection) => connection.Credentials.GetCredentials().AccessKey;
}
