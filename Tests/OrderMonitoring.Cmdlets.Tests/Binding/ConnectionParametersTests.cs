using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Binding;

namespace OrderMonitoring.Cmdlets.Tests.Binding;

public sealed class ConnectionParametersTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    [Fact]
    public void Credential_object_wins_and_is_passed_through()
    {
        var credential = new BasicAWSCredentials("AKIDEXAMPLE", Secret);

        var settings = new ConnectionParameters { Credential = credential, Region = "eu-west-1" }.ToSettings();

        Assert.Same(credential, settings.Credentials);
        Assert.Equal("eu-west-1", settings.Region);
    }

    [Fact]
    public void Access_keys_with_a_token_become_session_credentials()
    {
        var settings = new ConnectionParameters { AccessKey = "AKIDEXAMPLE", SecretKey = Secret, SessionToken = "token" }.ToSettings();

        var identity = Assert.IsType<SessionAWSCredentials>(settings.Credentials).GetCredentials();
        Assert.Equal("AKIDEXAMPLE", identity.AccessKey);
        Assert.Equal("token", identity.Token);
    }

    [Fact]
    public void Both_kinds_of_credentials_are_refused_without_showing_the_secret()
    {
        var parameters = new ConnectionParameters { Credential = new AnonymousAWSCredentials(), AccessKey = "AKIDEXAMPLE", SecretKey = Secret };

        var error = Assert.Throws<AwsConfigurationException>(parameters.ToSettings);

        Assert.Contains("-Credential", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_key_without_an_access_key_is_refused()
    {
        var error = Assert.Throws<AwsConfigurationException>(new ConnectionParameters { SecretKey = Secret }.ToSettings);

        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_endpoint_names_the_parameter()
    {
        var error = Assert.Throws<AwsConfigurationException>(new ConnectionParameters { EndpointUrl = "not a url" }.ToSettings);

        Assert.Contains("-EndpointUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_endpoint_with_a_password_is_shown_without_it()
    {
        var parameters = new ConnectionParameters { EndpointUrl = $"user:{Secret}@no host", Region = "us-east-1", AccessKey = "AKIDEXAMPLE", SecretKey = "key" };

        var error = Assert.Throws<AwsConfigurationException>(() => AwsConnection.Resolve(parameters.ToSettings()));

        Assert.Contains("'***@no host'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_values_are_treated_as_not_given()
    {
        var settings = new ConnectionParameters { Region = " ", ProfileName = "", EndpointUrl = "http://127.0.0.1:5000" }.ToSettings();

        Assert.Null(settings.Region);
        Assert.Null(settings.ProfileName);
        Assert.Null(settings.Credentials);
        Assert.Equal(new Uri("http://127.0.0.1:5000"), settings.EndpointUrl);
    }
}
