using System.Collections;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace OrderMonitoring.Aws;

/// <summary>
/// A resolved connection: one region, one set of credentials and the endpoint each service talks to.
/// Every client (SDK or ours) is built from it, so everything talks to one place.
/// </summary>
public sealed class AwsConnection
{
    private const string GenericEndpointVariable = "AWS_ENDPOINT_URL";
    private static readonly Regex RegionPattern = new("^[a-z]{2,5}(-[a-z]+)+-[0-9]{1,2}$", RegexOptions.CultureInvariant);

    private readonly Uri? _explicitEndpoint;
    private readonly IReadOnlyDictionary<string, Uri> _configuredEndpoints;
    private readonly Uri? _genericConfiguredEndpoint;

    /// <summary>A connection with everything given (tests, callers that resolved things themselves).</summary>
    public AwsConnection(RegionEndpoint region, AWSCredentials credentials, Uri? endpointUrl = null)
        : this(region, credentials, endpointUrl, new Dictionary<string, Uri>(), genericConfiguredEndpoint: null)
    {
        if (endpointUrl is not null)
        {
            ValidateEndpoint(endpointUrl.OriginalString, "the endpoint URL");
        }
    }

    private AwsConnection(RegionEndpoint region, AWSCredentials credentials, Uri? explicitEndpoint,
        IReadOnlyDictionary<string, Uri> configuredEndpoints, Uri? genericConfiguredEndpoint)
    {
        Region = region ?? throw new ArgumentNullException(nameof(region));
        Credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _explicitEndpoint = explicitEndpoint;
        _configuredEndpoints = configuredEndpoints;
        _genericConfiguredEndpoint = genericConfiguredEndpoint;
    }

    /// <summary>The region every request is signed for and sent to.</summary>
    public RegionEndpoint Region { get; }

    /// <summary>The credentials every request is signed with.</summary>
    public AWSCredentials Credentials { get; }

    /// <summary>
    /// The custom endpoint for a service (explicit URL, else AWS_ENDPOINT_URL_&lt;SERVICE&gt;, else AWS_ENDPOINT_URL,
    /// else the profile's endpoint_url), or null for the real regional endpoint.
    /// </summary>
    public Uri? EndpointFor(string serviceId)
    {
        if (_explicitEndpoint is not null)
        {
            return _explicitEndpoint;
        }

        return _configuredEndpoints.TryGetValue(AwsServiceIds.EndpointVariable(serviceId), out var perService)
            ? perService
            : _genericConfiguredEndpoint;
    }

    /// <summary>Every custom endpoint a request may go to (explicit, per service, generic), each once.</summary>
    public IReadOnlyList<Uri> CustomEndpoints => _explicitEndpoint is not null
        ? [_explicitEndpoint]
        : new[] { _genericConfiguredEndpoint }.Concat(_configuredEndpoints.Values).OfType<Uri>().Distinct().ToList();

    /// <summary>Resolves region, credentials and endpoints from the settings, the environment and the shared files.</summary>
    /// <param name="settings">What the caller asked for.</param>
    /// <param name="deferCredentials">Find the credentials when the first request is signed, not now: region, endpoint
    /// and a missing profile are still checked here (local files and variables only), but nothing calls out.</param>
    /// <exception cref="AwsConfigurationException">No region, a missing profile, no credentials or a malformed endpoint.</exception>
    public static AwsConnection Resolve(AwsConnectionSettings settings, bool deferCredentials = false)
    {
        if (settings is null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        var profile = FindProfile(settings);
        var profileName = settings.ProfileName ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_PROFILE")) ?? "default";
        var (region, regionSource) = ResolveRegion(settings, profile?.Region?.SystemName ?? SharedConfigFile.Read(profileName, "region"), profileName);
        var credentials = deferCredentials && settings.Credentials is null
            ? new DeferredCredentials(() => CredentialChain.Resolve(settings, profile))
            : CredentialChain.Resolve(settings, profile);
        var explicitEndpoint = settings.EndpointUrl is null ? null : ValidateEndpoint(settings.EndpointUrl.OriginalString, "-EndpointUrl");
        var ignoreConfigured = IsTrue(Environment.GetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
            || profile?.IgnoreConfiguredEndpointUrls == true;
        var perService = ignoreConfigured ? new Dictionary<string, Uri>() : ReadServiceEndpointVariables();
        var generic = ignoreConfigured ? null : ReadGenericEndpoint(NonEmpty(profile?.EndpointUrl) ?? SharedConfigFile.Read(profileName, "endpoint_url"), profileName);
        if (settings.RefuseUnknownRegion)
        {
            RefuseUnknownRegion(region, regionSource, explicitEndpoint ?? generic);
        }

        return new AwsConnection(region, credentials, explicitEndpoint, perService, generic);
    }

    /// <summary>Region and endpoint only; credentials stay out of any text.</summary>
    public override string ToString() =>
        $"Region={Region.SystemName}, Credentials={Credentials.GetType().Name}, Endpoint={((_explicitEndpoint ?? _genericConfiguredEndpoint) is { } endpoint ? EndpointText.ForMessage(endpoint) : "(regional)")}";

    private static CredentialProfile? FindProfile(AwsConnectionSettings settings)
    {
        // AWS_SHARED_CREDENTIALS_FILE is read here, per call, so a changed environment is always honoured.
        var location = NonEmpty(settings.ProfileLocation) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE"));
        var chain = location is null ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(location);
        if (settings.ProfileName is { } named)
        {
            if (!chain.TryGetProfile(named, out var explicitProfile))
            {
                var where = settings.ProfileLocation ?? "the shared credentials and config files";
                throw new AwsConfigurationException($"The AWS profile '{named}' was not found in {where}. Check the name with 'aws configure list-profiles'.");
            }

            return explicitProfile;
        }

        // Without a name, the profile only supplies fall-back region and endpoint; its absence is fine.
        var implicitName = NonEmpty(Environment.GetEnvironmentVariable("AWS_PROFILE")) ?? "default";
        return chain.TryGetProfile(implicitName, out var implicitProfile) ? implicitProfile : null;
    }

    private static (RegionEndpoint Region, string Source) ResolveRegion(AwsConnectionSettings settings, string? profileRegion, string profileName)
    {
        var (name, source) = NonEmpty(settings.Region) is { } given ? (given, "-Region")
            : NonEmpty(Environment.GetEnvironmentVariable("AWS_REGION")) is { } region ? (region, "AWS_REGION")
            : NonEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")) is { } defaultRegion ? (defaultRegion, "AWS_DEFAULT_REGION")
            : NonEmpty(profileRegion) is { } fromProfile ? (fromProfile, $"profile '{profileName}'")
            : (null, null);
        if (name is null)
        {
            throw new AwsConfigurationException(
                "No AWS region is set. Pass -Region, set AWS_REGION (or AWS_DEFAULT_REGION), or add 'region' to your profile.");
        }

        var trimmed = name.Trim();
        if (!RegionPattern.IsMatch(trimmed))
        {
            throw new AwsConfigurationException($"'{trimmed}' (from {source}) is not an AWS region name such as 'us-east-1'.");
        }

        return (RegionEndpoint.GetBySystemName(trimmed), source!);
    }

    /// <summary>
    /// A region name with the right shape but no region behind it (eu-wst-1) would otherwise be sent to a host that does
    /// not exist and fail minutes later as a retried transport error. Against one custom endpoint for every service
    /// (moto, LocalStack) any name is the caller's business; per-service endpoints leave the other services regional.
    /// </summary>
    private static void RefuseUnknownRegion(RegionEndpoint region, string source, Uri? everyServiceEndpoint)
    {
        if (everyServiceEndpoint is not null || IsKnownRegion(region))
        {
            return;
        }

        throw new AwsConfigurationException(
            $"'{region.SystemName}' (from {source}) is not an AWS region this module knows (such as 'us-east-1' or 'eu-west-1'). Check the spelling; "
            + "a region newer than the module's AWS SDK, or any name for a local emulator, is accepted together with -EndpointUrl (or AWS_ENDPOINT_URL).");
    }

    // The SDK's endpoint data names every region it knows; a name it does not know comes back as "Unknown".
    private static bool IsKnownRegion(RegionEndpoint region) =>
        !string.Equals(region.DisplayName, "Unknown", StringComparison.Ordinal);

    private static Dictionary<string, Uri> ReadServiceEndpointVariables()
    {
        var found = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (name.StartsWith(GenericEndpointVariable + "_", StringComparison.Ordinal) && NonEmpty(entry.Value as string) is { } value)
            {
                found[name] = ValidateEndpoint(value, name);
            }
        }

        return found;
    }

    private static Uri? ReadGenericEndpoint(string? profileEndpoint, string profileName)
    {
        if (NonEmpty(Environment.GetEnvironmentVariable(GenericEndpointVariable)) is { } fromEnvironment)
        {
            return ValidateEndpoint(fromEnvironment, GenericEndpointVariable);
        }

        return NonEmpty(profileEndpoint) is { } fromProfile ? ValidateEndpoint(fromProfile, $"endpoint_url of profile '{profileName}'") : null;
    }

    private static Uri ValidateEndpoint(string value, string source)
    {
        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
        {
            // Requests are signed, never sent with basic authentication: a user name or password in the URL would
            // be ignored and could only leak into messages, so it is refused (without repeating it).
            return EndpointText.HasUserInfo(uri)
                ? throw new AwsConfigurationException($"The endpoint '{EndpointText.ForMessage(value)}' from {source} contains a user name or password. AWS endpoints take none; remove it from the URL.")
                : uri;
        }

        throw new AwsConfigurationException($"The endpoint '{EndpointText.ForMessage(value)}' from {source} is not an absolute http(s) URL without query or fragment, such as 'http://127.0.0.1:5000'.");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
