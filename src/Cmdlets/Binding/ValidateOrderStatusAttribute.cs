using System.Management.Automation;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// Refuses a status that is empty or only white space: the processor would record it as UNKNOWN, so -Wait could never
/// match its audit object and an alert rule could never see it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ValidateOrderStatusAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var text = (arguments is PSObject wrapped ? wrapped.BaseObject : arguments) as string;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ValidationMetadataException("A status must contain text such as PENDING or FAILED; an empty or blank status is refused.");
        }
    }
}
