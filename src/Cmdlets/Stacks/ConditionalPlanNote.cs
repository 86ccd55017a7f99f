using System.Text.Json;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// What a -WhatIf plan must say when it did not come from AWS: emulators such as moto ignore template conditions in
/// change sets, so their plan lists conditional resources (the event source mapping of an External stack) that AWS
/// CloudFormation would leave out. The plan is shown as the emulator made it, with this note beside it.
/// </summary>
internal static class ConditionalPlanNote
{
    // Host name endings of AWS's own CloudFormation endpoints (regional, FIPS, China, dual-stack, VPC endpoints).
    private static readonly string[] AwsHostSuffixes = { ".amazonaws.com", ".amazonaws.com.cn", ".api.aws" };

    /// <summary>The note for <paramref name="plan"/>, or null when it came from AWS or lists no conditional resource.</summary>
    /// <param name="plan">The planned changes.</param>
    /// <param name="templateJson">The template the plan was made from.</param>
    /// <param name="cloudFormationEndpoint">The custom CloudFormation endpoint, or null for AWS's regional one.</param>
    public static string? For(IReadOnlyList<StackChange> plan, string templateJson, Uri? cloudFormationEndpoint)
    {
        if (cloudFormationEndpoint is null || IsAws(cloudFormationEndpoint))
        {
            return null;
        }

        var conditions = ResourceConditions(templateJson);
        var listed = plan
            .Where(change => conditions.ContainsKey(change.LogicalResourceId))
            .Select(change => $"{change.LogicalResourceId} (condition {conditions[change.LogicalResourceId]})")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return listed.Count == 0
            ? null
            : $"This plan comes from {cloudFormationEndpoint.Authority}, not from AWS: its change sets ignore template conditions, so it lists "
              + $"{string.Join(", ", listed)} whether or not the condition holds. AWS CloudFormation plans and creates only those whose condition "
              + "holds (the event source mapping only with -ProcessorTrigger Lambda).";
    }

    private static bool IsAws(Uri endpoint) =>
        AwsHostSuffixes.Any(suffix => endpoint.Host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, string> ResourceConditions(string templateJson)
    {
        using var template = JsonDocument.Parse(templateJson);
        var conditions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!template.RootElement.TryGetProperty("Resources", out var resources) || resources.ValueKind != JsonValueKind.Object)
        {
            return conditions;
        }

        foreach (var resource in resources.EnumerateObject())
        {
            if (resource.Value.ValueKind == JsonValueKind.Object && resource.Value.TryGetProperty("Condition", out var condition)
                && condition.ValueKind == JsonValueKind.String)
            {
                conditions[resource.Name] = condition.GetString()!;
            }
        }

        return conditions;
    }
}
