using System.Collections;
using System.Management.Automation;

namespace OrderMonitoring.Cmdlets.Binding;

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
