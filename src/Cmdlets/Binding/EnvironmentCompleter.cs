using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Amazon.Runtime;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// Tab completion for <c>-Environment</c>: the environments of the order-monitoring stacks in the region the command
/// line points at (its -Region, -ProfileName, -EndpointUrl... or the environment), from a short-lived cache so the
/// prompt never waits on AWS for more than <see cref="EnvironmentNameCache.WaitBudget"/>.
/// </summary>
public sealed class EnvironmentCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName,
        string parameterName,
        string wordToComplete,
        CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        AwsConnection connection;
        string identity;
        try
        {
            var settings = ConnectionFrom(WithSessionDefaults(commandName, fakeBoundParameters)).ToSettings();
            // Region, endpoint and profile come from local files and variables; the credentials (SSO, instance
            // endpoint...) are found when the cache's bounded fetch signs its first request.
            connection = AwsConnection.Resolve(settings, deferCredentials: true);
            identity = IdentityOf(settings);
        }
        catch (AwsConfigurationException)
        {
            // No region or a broken profile: nothing to offer, and completion must never print errors.
            return Array.Empty<CompletionResult>();
        }

        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        return EnvironmentNameCache.Shared.Get(connection, identity)
            .Where(stack => stack.Environment.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(stack => new CompletionResult(stack.Environment, stack.Environment, CompletionResultType.ParameterValue, $"{stack.StackName} ({stack.Status})"))
            .ToList();
    }

    /// <summary>
    /// Tells accounts apart for the cache without resolving credentials (which may call SSO or an instance endpoint):
    /// the profile or access key id the command line or environment names. Never a secret.
    /// </summary>
    private static string IdentityOf(AwsConnectionSettings settings)
    {
        switch (settings.Credentials ?? settings.SessionCredentials)
        {
            case { } plain when plain is BasicAWSCredentials or SessionAWSCredentials:
                // Plain keys resolve locally; the key id (never the secret) names the account.
                return "key:" + plain.GetCredentials().AccessKey;
            case { } other:
                // Anything else may call out to resolve; the object itself is the identity.
                return "credential:" + System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(CredentialObject.Original(other));
        }

        return string.Join(
            "|",
            settings.ProfileName ?? settings.SessionProfileName ?? System.Environment.GetEnvironmentVariable("AWS_PROFILE") ?? string.Empty,
            settings.ProfileLocation ?? string.Empty,
            System.Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? string.Empty);
    }

    /// <summary>
    /// The command line's parameters over the session's $PSDefaultParameterValues: the cmdlets honour those defaults
    /// (e.g. '*-Order*:Region'), but PowerShell leaves them out of fakeBoundParameters.
    /// </summary>
    private static IDictionary WithSessionDefaults(string commandName, IDictionary bound)
    {
        var merged = new Hashtable(StringComparer.OrdinalIgnoreCase);
        // Global first, then the caller's scope: PSReadLine completes from inside its module, whose own
        // $PSDefaultParameterValues is empty, while TabExpansion2 in a script sees the script's.
        foreach (var defaults in new[] { SessionDefaults("$global:PSDefaultParameterValues"), SessionDefaults("$PSDefaultParameterValues") })
        {
            if (defaults is null || IsTrue(defaults["Disabled"]))
            {
                continue;
            }

            foreach (DictionaryEntry entry in defaults)
            {
                var key = entry.Key as string ?? string.Empty;
                var colon = key.LastIndexOf(':');
                // A script block default would have to run to give its value; completion never runs user code.
                if (colon > 0 && entry.Value is not ScriptBlock
                    && WildcardPattern.Get(key.Substring(0, colon).Trim(), WildcardOptions.IgnoreCase).IsMatch(commandName))
                {
                    merged[key.Substring(colon + 1).Trim()] = entry.Value;
                }
            }
        }

        foreach (DictionaryEntry entry in bound)
        {
            merged[entry.Key] = entry.Value;
        }

        // The cmdlets fall back to AWS Tools' session region (Set-DefaultAWSRegion); so does completion.
        if (!merged.Contains(nameof(OrderMonitoringCmdlet.Region)) && SessionValue("$global:" + OrderMonitoringCmdlet.StoredRegionVariable) is { } stored)
        {
            merged[nameof(OrderMonitoringCmdlet.Region)] = stored;
        }

        return merged;
    }

    private static IDictionary? SessionDefaults(string variable) => SessionValue(variable) as IDictionary;

    private static object? SessionValue(string variable)
    {
        // The completer runs on the pipeline thread, where SessionStateProxy refuses calls and PSReadLine's own
        // completion pipeline leaves no room for a nested one; a script block runs in place.
        try
        {
            var value = ScriptBlock.Create(variable).InvokeReturnAsIs();
            return value is PSObject wrapped ? wrapped.BaseObject : value;
        }
        catch (Exception)
        {
            return null; // completion must never fail or print; without defaults it still completes from the command line
        }
    }

    private static bool IsTrue(object? value) => (value is PSObject wrapped ? wrapped.BaseObject : value) is true;

    private static ConnectionParameters ConnectionFrom(IDictionary bound) => new()
    {
        Region = Text(bound, nameof(OrderMonitoringCmdlet.Region)),
        ProfileName = Text(bound, nameof(OrderMonitoringCmdlet.ProfileName)),
        ProfileLocation = Text(bound, nameof(OrderMonitoringCmdlet.ProfileLocation)),
        Credential = Value(bound, nameof(OrderMonitoringCmdlet.Credential)),
        SessionCredential = SessionValue("$global:" + OrderMonitoringCmdlet.StoredCredentialsVariable),
        AccessKey = Text(bound, nameof(OrderMonitoringCmdlet.AccessKey)),
        SecretKey = Text(bound, nameof(OrderMonitoringCmdlet.SecretKey)),
        SessionToken = Text(bound, nameof(OrderMonitoringCmdlet.SessionToken)),
        EndpointUrl = Text(bound, nameof(OrderMonitoringCmdlet.EndpointUrl)),
    };

    private static object? Value(IDictionary bound, string name)
    {
        var value = bound.Contains(name) ? bound[name] : null;
        return value is PSObject wrapped ? wrapped.BaseObject : value;
    }

    private static string? Text(IDictionary bound, string name) => Value(bound, name)?.ToString();
}
