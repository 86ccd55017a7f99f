using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using OrderMonitoring.Cmdlets.Orders;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>Tab completion of <c>-Status</c> with the statuses the module knows and the ones declared in ORDERMONITORING_STATUSES (any other non-empty value is still accepted).</summary>
public sealed class OrderStatusCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? "").Trim('\'', '"');
        return KnownOrderStatuses.All()
            .Where(status => status.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(status => new CompletionResult(status, status, CompletionResultType.ParameterValue, status));
    }
}
