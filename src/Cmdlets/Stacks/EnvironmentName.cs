using System.Text.RegularExpressions;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>The environment suffix rule of the template (<c>^[a-z0-9]+$</c>) and the stack name built from it.</summary>
public static class EnvironmentName
{
    /// <summary>The template's AllowedPattern for EnvironmentSuffix.</summary>
    public const string Pattern = TemplateContract.Parameters.EnvironmentSuffixPattern;

    /// <summary>Prefix of every stack the module deploys.</summary>
    public const string StackNamePrefix = "order-monitoring-";

    // Capitals pass binding on purpose: New-OrderMonitoringStack then explains (DeployProblem) that the bucket name needs
    // 'dev' instead of 'Dev', which is clearer than the binder's pattern message.
    private static readonly Regex Rule = new(Pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>True when <paramref name="value"/> is letters and digits (the template's pattern, ignoring case).</summary>
    public static bool IsValid(string? value) => value is not null && Rule.IsMatch(value);

    /// <summary>The template's MaxLength for EnvironmentSuffix, the same in every region.</summary>
    public const int MaxLength = TemplateContract.Parameters.EnvironmentSuffixMaxLength;

    /// <summary>
    /// Why <paramref name="environment"/> cannot be deployed, or null when it can. The binding rule allows capitals,
    /// but the bucket names carry the environment and S3 accepts only lower-case names; and the template rejects more
    /// than <see cref="MaxLength"/> characters, which CloudFormation would only say after the uploads.
    /// </summary>
    public static string? DeployProblem(string environment, string region)
    {
        if (environment.Any(char.IsUpper))
        {
            return $"The environment '{environment}' has capital letters, but it becomes part of the audit bucket's name and S3 bucket names are lower-case. Use '{environment.ToLowerInvariant()}'.";
        }

        // One limit for every region (not what is left in this region), so an environment can move to any region.
        return environment.Length > MaxLength
            ? $"The environment '{environment}' is {environment.Length} characters long; it can be at most {MaxLength} characters in {region} as in every region: "
              + $"the failed-batches bucket's name ({TemplateContract.FailedBatchesBucket.NamePrefix}<environment>-<account>-<region>) must fit S3's 63 characters in the regions with the longest names."
            : null;
    }

    /// <summary>The default stack name for an environment: <c>order-monitoring-&lt;environment&gt;</c>.</summary>
    public static string StackNameFor(string environment) => StackNamePrefix + environment;

    /// <summary>The environment a default-named stack belongs to, or null for other stack names.</summary>
    public static string? FromStackName(string? stackName) =>
        stackName is not null && stackName.StartsWith(StackNamePrefix, StringComparison.Ordinal)
            && IsValid(stackName.Substring(StackNamePrefix.Length))
            ? stackName.Substring(StackNamePrefix.Length)
            : null;
}
