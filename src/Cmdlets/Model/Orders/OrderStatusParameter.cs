using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using OrderMonitoring.Cmdlets.Services.Orders;

namespace OrderMonitoring.Cmdlets.Model.Orders;

/// <summary>Tab completion of <c>-Status</c> with the statuses the module knows (any other non-empty value is still accepted).</summary>
public sealed class OrderStatusCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? "").Trim('\'', '"');
        return OrderGenerator.KnownStatuses
            .Where(status => status.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(status => new CompletionResult(status, status, CompletionResultType.ParameterValue, status));
    }
}

/// <summary>
/// Accepts a single scalar for <c>-Status</c> and rejects hashtables, arrays and objects with a clear message, instead of
/// PowerShell's silent conversion to a type name such as "System.Collections.Hashtable".
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OrderStatusTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            null => null,
            string text => text,
            IConvertible scalar when value is not DBNull => Convert.ToString(scalar, System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new ArgumentTransformationMetadataException(
                $"A status must be one text value such as FAILED or SHIPPED, not a {Describe(value)}."),
        };
    }

    private static string Describe(object value) => value switch
    {
        IDictionary => "hashtable",
        PSCustomObject => "object",
        IEnumerable => "list",
        _ => value.GetType().Name,
    };
}
