using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// Lets <c>-OrderId</c> take plain strings from the pipeline (ValueFromPipeline) without reading other objects as their
/// text: PowerShell's by-value binding with conversion runs before by-property-name binding with conversion, so
/// <c>{"OrderId":123} | ConvertFrom-Json</c> would bind as "@{OrderId=123}". An object gives its OrderId property's
/// value; an object without one is refused (the binder then reports the input it could not bind).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OrderIdTransformationAttribute : ArgumentTransformationAttribute
{
    private const string PropertyName = "OrderId";

    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = Unwrap(inputData);
        return value switch
        {
            null => null,
            string text => text,
            IEnumerable list and not IDictionary => list.Cast<object?>().Select(ToId).ToArray(),
            _ => ToId(inputData),
        };
    }

    private static string? ToId(object? item)
    {
        var value = Unwrap(item);
        switch (value)
        {
            case null:
                return null;
            case string text:
                return text;
            case IConvertible scalar when value is not DBNull:
                return Convert.ToString(scalar, CultureInfo.InvariantCulture);
        }

        var wrapped = item as PSObject ?? PSObject.AsPSObject(item);
        if (wrapped.Properties[PropertyName] is { } property)
        {
            return ToId(property.Value);
        }

        throw new ArgumentTransformationMetadataException(
            $"An order id must be text or an object with an {PropertyName} property; this {value.GetType().Name} has none.");
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : value;
}
