using Amazon.Runtime;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// The connection parameters every cmdlet shares, turned into <see cref="AwsConnectionSettings"/> with the precedence of
/// AWS Tools for PowerShell: -Credential, then -AccessKey/-SecretKey(/-SessionToken), then -ProfileName, then the
/// session's credentials (Set-AWSCredential), then the environment and the default chain.
/// </summary>
internal sealed class ConnectionParameters
{
    public string? Region { get; init; }

    public string? ProfileName { get; init; }

    public string? ProfileLocation { get; init; }

    /// <summary>Any AWSCredentials: ours, or another AWSSDK.Core build's (AWS.Tools'), adapted by <see cref="CredentialObject"/>.</summary>
    public object? Credential { get; init; }

    /// <summary>
    /// The value of $StoredAWSCredentials: AWS Tools' credentials wrapper, an AWSCredentials object, or a profile name.
    /// </summary>
    public object? SessionCredential { get; init; }

    public string? AccessKey { get; init; }

    public string? SecretKey { get; init; }

    public string? SessionToken { get; init; }

    public string? EndpointUrl { get; init; }

    /// <summary>The settings to resolve; throws <see cref="AwsConfigurationException"/> for contradictory or malformed input.</summary>
    public AwsConnectionSettings ToSettings()
    {
        var credentials = Credentials();
        // Explicit credentials or an explicit profile win over the session's, so the session variable is not even
        // read then: whatever it holds cannot fail a command that does not need it.
        var session = credentials is null && Blank(ProfileName) is null && Blank(ProfileLocation) is null ? SessionCredential : null;
        return new()
        {
            Region = Blank(Region),
            ProfileName = Blank(ProfileName),
            ProfileLocation = Blank(ProfileLocation),
            Credentials = credentials,
            SessionCredentials = session is string or null ? null : CredentialObject.Adapt(session, SessionVariable),
            SessionProfileName = session as string is { } name ? Blank(name) : null,
            CallerCredentialSources = ["-Credential, -AccessKey/-SecretKey and -ProfileName (none given)", SessionVariable + " from Set-AWSCredential (not set)"],
            EndpointUrl = Endpoint(),
            RefuseUnknownRegion = true,
        };
    }

    private const string SessionVariable = "$StoredAWSCredentials";

    private AWSCredentials? Credentials()
    {
        var hasKeys = Blank(AccessKey) is not null || Blank(SecretKey) is not null || Blank(SessionToken) is not null;
        if (Credential is not null && hasKeys)
        {
            throw new AwsConfigurationException("Pass either -Credential or -AccessKey/-SecretKey, not both.");
        }

        if (Credential is not null)
        {
            return CredentialObject.Adapt(Credential, "-Credential");
        }

        if (!hasKeys)
        {
            return null;
        }

        if (Blank(AccessKey) is null || Blank(SecretKey) is null)
        {
            throw new AwsConfigurationException("-AccessKey and -SecretKey must be given together (with -SessionToken for temporary credentials).");
        }

        return Blank(SessionToken) is { } token
            ? new SessionAWSCredentials(AccessKey, SecretKey, token)
            : new BasicAWSCredentials(AccessKey, SecretKey);
    }

    private Uri? Endpoint()
    {
        if (Blank(EndpointUrl) is not { } text)
        {
            return null;
        }

        // Resolve validates scheme, query and fragment; here only "is it a URL at all" so the message names -EndpointUrl.
        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)
            ? uri
            : throw new AwsConfigurationException($"-EndpointUrl '{EndpointText.ForMessage(text)}' is not an absolute http(s) URL such as 'http://127.0.0.1:5000'.");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
