using System.Globalization;
using OrderMonitoring.Aws.CloudFormation;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;
using Names = OrderMonitoring.Processor.Template.TemplateContract.Parameters;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>One template parameter whose value a deployment changes.</summary>
internal sealed record ParameterChange(string Key, string Current, string Requested)
{
    public override string ToString() => $"{Key} ({Current} -> {Requested})";
}

/// <summary>Where the processor's code is: the artifacts bucket, the zip's key and the object version the function is pinned to.</summary>
internal sealed record ProcessorCode(string Bucket, string Key, string Version);

/// <summary>
/// The template parameters of one deployment. A value the user did not pass keeps what the stack has (a plain
/// redeploy of an External stack stays External), the way <c>sam deploy</c> keeps its saved parameters.
/// </summary>
internal static class StackParameters
{
    /// <param name="request">What the user asked for; null values keep the stack's.</param>
    /// <param name="updating">The stack being updated, or null for a create.</param>
    /// <param name="code">The processor zip in the artifacts bucket.</param>
    /// <param name="keptSources">New or Existing for each <see cref="RetainedBucket.SourceParameter"/> and the order table, and the kept table's stream.</param>
    public static List<Parameter> For(DeployRequest request, CfnStack? updating, ProcessorCode code, IReadOnlyDictionary<string, string> keptSources)
    {
        string? Current(string key) => updating?.Parameters.FirstOrDefault(p => p.ParameterKey == key)?.ParameterValue;
        var parameters = new List<Parameter>
        {
            new() { ParameterKey = Names.EnvironmentSuffix, ParameterValue = request.Environment },
            new() { ParameterKey = Names.ProcessorCodeBucket, ParameterValue = code.Bucket },
            new() { ParameterKey = Names.ProcessorCodeKey, ParameterValue = code.Key },
            new() { ParameterKey = Names.ProcessorCodeVersion, ParameterValue = code.Version },
            new() { ParameterKey = Names.CodeSigningConfigArn, ParameterValue = request.CodeSigningConfigArn ?? Current(Names.CodeSigningConfigArn) ?? "" },
            new() { ParameterKey = Names.ProcessorTrigger, ParameterValue = request.ProcessorTrigger ?? Current(Names.ProcessorTrigger) ?? TemplateContract.ProcessorTriggers.Lambda },
            new() { ParameterKey = Names.AlertEmail, ParameterValue = request.AlertEmail ?? Current(Names.AlertEmail) ?? "" },
            new() { ParameterKey = Names.AlertDetail, ParameterValue = request.AlertDetail ?? Current(Names.AlertDetail) ?? TemplateContract.AlertDetails.Summary },
            new() { ParameterKey = Names.ProcessorArchitecture, ParameterValue = ArchitectureOf(request, updating) },
            // Kept like every other value: an update that did not name a key must not fall back to '' (which makes the
            // stack create a new key and sign with it from then on).
            new() { ParameterKey = Names.DigestSigningKeyArn, ParameterValue = request.DigestSigningKeyArn ?? Current(Names.DigestSigningKeyArn) ?? "" },
            new() { ParameterKey = Names.RepairSigningKeyArn, ParameterValue = request.RepairSigningKeyArn ?? Current(Names.RepairSigningKeyArn) ?? "" },
            new() { ParameterKey = Names.AuditObjectLockMode, ParameterValue = request.AuditObjectLockMode ?? Current(Names.AuditObjectLockMode) ?? TemplateContract.ObjectLockModes.None },
            Number(Names.AuditObjectLockDays, request.AuditObjectLockDays, Current, TemplateContract.ObjectLockModes.DefaultDays),
            Number(Names.StreamBatchSize, request.StreamBatchSize, Current, TemplateContract.StreamMapping.BatchSize),
            Number(Names.StreamMaximumBatchingWindowInSeconds, request.StreamMaximumBatchingWindowInSeconds, Current, TemplateContract.StreamMapping.MaximumBatchingWindowInSeconds),
            Number(Names.StreamParallelizationFactor, request.StreamParallelizationFactor, Current, TemplateContract.StreamMapping.ParallelizationFactor),
        };
        // Set in the console or by an earlier template: kept, like every value the user did not pass (the template's
        // default, 365 days, otherwise).
        if (Current(Names.ProcessorLogRetentionDays) is { Length: > 0 } retention)
        {
            parameters.Add(new() { ParameterKey = Names.ProcessorLogRetentionDays, ParameterValue = retention });
        }

        // Not sent when neither asked for nor set: the template's default then (a stack older than seals gets one an hour).
        if ((request.DigestSealIntervalMinutes?.ToString(CultureInfo.InvariantCulture) ?? Current(Names.DigestSealIntervalMinutes)) is { Length: > 0 } interval)
        {
            parameters.Add(new() { ParameterKey = Names.DigestSealIntervalMinutes, ParameterValue = interval });
        }

        parameters.AddRange(keptSources.Select(source => new Parameter { ParameterKey = source.Key, ParameterValue = source.Value }));
        return parameters;
    }

    /// <summary>The architecture the stack will run on: the request's, else the stack's, else the template's default.</summary>
    public static string ArchitectureOf(DeployRequest request, CfnStack? updating) =>
        request.Architecture
        ?? updating?.Parameters.FirstOrDefault(p => p.ParameterKey == Names.ProcessorArchitecture)?.ParameterValue
        // A stack deployed before the parameter existed ran on x86_64; an update without -Architecture keeps it there.
        ?? (updating is null ? TemplateContract.Architectures.Arm64 : TemplateContract.Architectures.X86_64);

    private static Parameter Number(string key, int? requested, Func<string, string?> current, int fallback) =>
        new() { ParameterKey = key, ParameterValue = requested?.ToString(CultureInfo.InvariantCulture) ?? current(key) ?? fallback.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Every requested value that differs from the stack's (none for a create).</summary>
    public static IReadOnlyList<ParameterChange> Changes(CfnStack? existing, IEnumerable<Parameter> requested)
    {
        if (existing is null)
        {
            return Array.Empty<ParameterChange>();
        }

        var current = existing.Parameters.Where(p => p.ParameterKey is not null)
            .GroupBy(p => p.ParameterKey!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First().ParameterValue ?? "", StringComparer.Ordinal);
        return requested
            .Where(p => p.ParameterKey is not null && current.TryGetValue(p.ParameterKey, out var value) && value != (p.ParameterValue ?? ""))
            .Select(p => new ParameterChange(p.ParameterKey!, current[p.ParameterKey!], p.ParameterValue ?? ""))
            .ToList();
    }
}
