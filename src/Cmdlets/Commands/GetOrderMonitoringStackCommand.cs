using System.Management.Automation;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// Gets order-monitoring stacks: by environment (wildcards allowed), by stack name (for stacks deployed with
/// -StackName), or every one in the region.
/// </summary>
[Cmdlet(VerbsCommon.Get, "OrderMonitoringStack", DefaultParameterSetName = ByEnvironment)]
[OutputType(typeof(OrderMonitoring.Stack))]
public sealed class GetOrderMonitoringStackCommand : OrderMonitoringCmdlet
{
    private const string ByEnvironment = "ByEnvironment";
    private const string ByStackName = "ByStackName";

    /// <summary>Environment suffixes; * and ? allowed. Omitted: every order-monitoring stack in the region.</summary>
    [Parameter(ParameterSetName = ByEnvironment, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EnvironmentSuffix")]
    [ArgumentCompleter(typeof(EnvironmentCompleter))]
    [ValidateEnvironmentName(AllowWildcards = true)]
    [SupportsWildcards]
    public string[]? Environment { get; set; }

    /// <summary>Exact stack names, for stacks deployed under a name of their own (New-OrderMonitoringStack -StackName).</summary>
    [Parameter(ParameterSetName = ByStackName, Mandatory = true)]
    [ValidatePattern("^[a-zA-Z][-a-zA-Z0-9]{0,127}$")]
    public string[] StackName { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override void ProcessRecord() => Guard(() =>
    {
        using var services = new StackServices(ClientFactory);
        var environments = ParameterSetName == ByStackName ? Array.Empty<string>() : Environment ?? Array.Empty<string>();
        var patterns = environments.Where(WildcardPattern.ContainsWildcardCharacters).Select(name => new WildcardPattern(name, WildcardOptions.IgnoreCase)).ToList();
        var exactNames = ParameterSetName == ByStackName
            ? StackName
            : environments.Where(name => !WildcardPattern.ContainsWildcardCharacters(name)).Select(EnvironmentName.StackNameFor).ToArray();
        // The region's stacks are listed for wildcards, or when no name at all was given.
        var listRegion = patterns.Count > 0 || (ParameterSetName == ByEnvironment && environments.Length == 0);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stackName in exactNames.Distinct(StringComparer.Ordinal))
        {
            // An exact name that has no stack is an error even beside wildcards, which may match nothing quietly.
            var (stack, failure) = RunAsync((_, token) => services.Reader.ReadAsync(stackName, token));
            if (failure is not null)
            {
                WriteFailure(failure.Error, stackName);
            }
            else if (stack is null)
            {
                WriteFailure(StackNotFound.Error(stackName, services.Region), stackName);
            }
            else if (written.Add(stack.StackName))
            {
                WriteObject(stack);
            }
        }

        if (!listRegion)
        {
            return;
        }

        var listing = RunAsync((_, token) => services.Reader.ReadAllAsync(token));
        bool Wanted(string environment) => patterns.Count == 0 || patterns.Any(pattern => pattern.IsMatch(environment));
        foreach (var failure in listing.Failures.Where(failure => Wanted(EnvironmentName.FromStackName(failure.StackName) ?? "") && written.Add(failure.StackName)))
        {
            WriteFailure(failure.Error, failure.StackName);
        }

        WriteObject(listing.Stacks.Where(stack => Wanted(stack.Environment) && written.Add(stack.StackName)), enumerateCollection: true);
    });
}
