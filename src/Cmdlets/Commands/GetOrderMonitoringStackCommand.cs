using System.Management.Automation;
using OrderMonitoring.Cmdlets.Completion;
using OrderMonitoring.Cmdlets.Infrastructure;
using OrderMonitoring.Cmdlets.Services;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>Gets order-monitoring stacks: by environment (wildcards allowed) or every one in the region.</summary>
[Cmdlet(VerbsCommon.Get, "OrderMonitoringStack")]
[OutputType(typeof(OrderMonitoring.Stack))]
public sealed class GetOrderMonitoringStackCommand : OrderMonitoringCmdlet
{
    /// <summary>Environment suffixes; * and ? allowed. Omitted: every order-monitoring stack in the region.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EnvironmentSuffix")]
    [ArgumentCompleter(typeof(EnvironmentCompleter))]
    [ValidateEnvironmentName(AllowWildcards = true)]
    [SupportsWildcards]
    public string[]? Environment { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => Guard(() =>
    {
        using var services = new StackServices(ClientFactory);
        var reader = services.Reader;
        var requested = Environment ?? Array.Empty<string>();
        if (requested.Length > 0 && requested.All(name => !WildcardPattern.ContainsWildcardCharacters(name)))
        {
            foreach (var name in requested)
            {
                var stack = RunAsync((_, token) => reader.GetAsync(EnvironmentName.StackNameFor(name), token));
                if (stack is null)
                {
                    WriteFailure(StackNotFound.Error(EnvironmentName.StackNameFor(name), services.Region), EnvironmentName.StackNameFor(name));
                }
                else
                {
                    WriteObject(stack);
                }
            }

            return;
        }

        var patterns = requested.Select(name => new WildcardPattern(name, WildcardOptions.IgnoreCase)).ToList();
        var stacks = RunAsync((_, token) => reader.ListAsync(token));
        WriteObject(stacks.Where(stack => patterns.Count == 0 || patterns.Any(pattern => pattern.IsMatch(stack.Environment))), enumerateCollection: true);
    });
}
