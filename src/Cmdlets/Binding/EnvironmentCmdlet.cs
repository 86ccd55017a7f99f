using System.Management.Automation;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// Base of the cmdlets that act on one environment: a mandatory, validated <c>-Environment</c> (alias
/// <c>-EnvironmentSuffix</c>) and <c>-StackName</c> defaulting to <c>order-monitoring-&lt;environment&gt;</c>.
/// Both bind from the pipeline by property name, so <c>Get-OrderMonitoringStack | ...</c> works.
/// </summary>
public abstract class EnvironmentCmdlet : OrderMonitoringCmdlet
{
    /// <summary>Environment suffix (letters and digits), e.g. dev or prod.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("EnvironmentSuffix")]
    [ArgumentCompleter(typeof(EnvironmentCompleter))]
    [ValidateEnvironmentName]
    public string Environment { get; set; } = "";

    /// <summary>Stack name; default <c>order-monitoring-&lt;environment&gt;</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[a-zA-Z][-a-zA-Z0-9]{0,127}$")]
    public string? StackName { get; set; }

    /// <summary>The stack this invocation acts on.</summary>
    protected string ResolvedStackName => string.IsNullOrEmpty(StackName) ? EnvironmentName.StackNameFor(Environment) : StackName!;

    /// <inheritdoc />
    protected override object? ErrorTarget => ResolvedStackName;
}
