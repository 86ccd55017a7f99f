using System.Management.Automation;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// Validates <c>-Environment</c> at parameter binding, before any AWS call, with a message that says what is allowed
/// (ValidatePattern would only print the regular expression).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateEnvironmentNameAttribute : ValidateArgumentsAttribute
{
    /// <summary>True when wildcard characters (* ?) are accepted too (Get- cmdlets).</summary>
    public bool AllowWildcards { get; set; }

    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var values = arguments is string single ? new[] { single } : (arguments as System.Collections.IEnumerable)?.Cast<object?>() ?? Array.Empty<object?>();
        foreach (var value in values)
        {
            var text = value?.ToString();
            var checkedText = AllowWildcards ? text?.Replace("*", "a").Replace("?", "a") : text;
            if (!EnvironmentName.IsValid(checkedText))
            {
                throw new ValidationMetadataException(
                    $"'{text}' is not a valid environment name: use letters and digits only (pattern {EnvironmentName.Pattern}), for example 'dev' or 'prod2'"
                    + (AllowWildcards ? ", optionally with the wildcards * and ?." : "."));
            }
        }
    }
}
