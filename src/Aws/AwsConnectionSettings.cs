using Amazon.Runtime;

namespace OrderMonitoring.Aws;

/// <summary>What a caller asked for (cmdlet parameters, Lambda environment); <see cref="AwsConnection.Resolve"/> fills the gaps.</summary>
public sealed class AwsConnectionSettings
{
    /// <summary>Region system name such as <c>us-east-1</c>; null means environment, then the profile.</summary>
    public string? Region { get; init; }

    /// <summary>A named profile; when set it must exist (no silent fall-back to <c>default</c>).</summary>
    public string? ProfileName { get; init; }

    /// <summary>A shared credentials file other than the default one.</summary>
    public string? ProfileLocation { get; init; }

    /// <summary>Explicit credentials; they win over any profile and the default chain.</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>
    /// The session's credentials (AWS Tools' <c>Set-AWSCredential</c>): used after explicit credentials and an explicit
    /// profile, before the environment and the default chain.
    /// </summary>
    public AWSCredentials? SessionCredentials { get; init; }

    /// <summary>The session's profile name (when the session holds a name instead of credentials), used like <see cref="SessionCredentials"/>.</summary>
    public string? SessionProfileName { get; init; }

    /// <summary>
    /// Where the caller looked before it handed over (its parameters, its session), in order: the message for "no
    /// credentials found" lists them first, then what this resolver looked at.
    /// </summary>
    public IReadOnlyList<string> CallerCredentialSources { get; init; } = [];

    /// <summary>One endpoint for every service (moto, LocalStack); wins over environment and config.</summary>
    public Uri? EndpointUrl { get; init; }

    /// <summary>
    /// Refuse a region name the SDK does not know unless one custom endpoint serves every service: for names people
    /// type (a typo fails at once instead of as a retried transport error). The Lambda leaves it off: the runtime's
    /// own region is right even when it is newer than the SDK.
    /// </summary>
    public bool RefuseUnknownRegion { get; init; }

    /// <summary>Never shows credentials (only whether they were given), nor a password written into the endpoint URL.</summary>
    public override string ToString() =>
        $"Region={Region ?? "(unset)"}, Profile={ProfileName ?? "(unset)"}, Credentials={(Credentials is null ? "(unset)" : Credentials.GetType().Name)}, SessionCredentials={(SessionCredentials is null ? SessionProfileName ?? "(unset)" : SessionCredentials.GetType().Name)}, Endpoint={(EndpointUrl is null ? "(unset)" : EndpointText.ForMessage(EndpointUrl))}";
}
