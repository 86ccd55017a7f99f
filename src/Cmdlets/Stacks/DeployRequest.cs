using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>Everything one deployment needs; built by New-OrderMonitoringStack from its parameters.</summary>
internal sealed record DeployRequest
{
    public string StackName { get; init; } = "";

    public string Environment { get; init; } = "";

    /// <summary>The template file shipped in the module.</summary>
    public string TemplatePath { get; init; } = "";

    /// <summary>The processor zip shipped in the module.</summary>
    public string ProcessorZipPath { get; init; } = "";

    /// <summary>
    /// The processor zip of each architecture; the deployer takes the one of the architecture the stack will run on
    /// (<see cref="ForArchitecture"/>). Empty: <see cref="ProcessorZipPath"/> whatever the architecture.
    /// </summary>
    public IReadOnlyDictionary<string, string> ProcessorZipPaths { get; init; } = new Dictionary<string, string>();

    /// <summary>ProcessorArchitecture; null keeps the stack's (arm64 for a new stack).</summary>
    public string? Architecture { get; init; }

    /// <summary>StreamBatchSize; null keeps the stack's.</summary>
    public int? StreamBatchSize { get; init; }

    /// <summary>StreamMaximumBatchingWindowInSeconds; null keeps the stack's.</summary>
    public int? StreamMaximumBatchingWindowInSeconds { get; init; }

    /// <summary>StreamParallelizationFactor; null keeps the stack's.</summary>
    public int? StreamParallelizationFactor { get; init; }

    /// <summary>Null: order-monitoring-artifacts-&lt;account&gt;-&lt;region&gt;.</summary>
    public string? ArtifactBucketName { get; init; }

    /// <summary>Null: the stack's current value on an update, Lambda on a create.</summary>
    public string? ProcessorTrigger { get; init; }

    /// <summary>Null: the stack's current value on an update, none on a create.</summary>
    public string? AlertEmail { get; init; }

    /// <summary>Null: the stack's current value on an update, none on a create; "" removes it.</summary>
    public string? CodeSigningConfigArn { get; init; }

    /// <summary>Summary or Full. Null: the stack's current value on an update, Summary on a create.</summary>
    public string? AlertDetail { get; init; }

    /// <summary>An existing ECC_NIST_P256 key that signs digests. Null: the stack's current one on an update; "": the stack creates its own.</summary>
    public string? DigestSigningKeyArn { get; init; }

    /// <summary>An existing ECC_NIST_P256 key that signs repair records. Null: the stack's current one on an update; "": the stack creates its own.</summary>
    public string? RepairSigningKeyArn { get; init; }

    /// <summary>GOVERNANCE or COMPLIANCE (TemplateContract.ObjectLockModes). Null: the stack's current one on an update, none on a create.</summary>
    public string? AuditObjectLockMode { get; init; }

    /// <summary>Days each audit object version is locked. Null: the stack's current value on an update, 365 on a create.</summary>
    public int? AuditObjectLockDays { get; init; }

    /// <summary>DigestSealIntervalMinutes; null keeps the stack's (the template's 60 for a new stack).</summary>
    public int? DigestSealIntervalMinutes { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to follow the stack before giving up (the operation continues in AWS).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Delete a stack left in ROLLBACK_COMPLETE by a failed create and create it anew.</summary>
    public bool ReplaceFailedStack { get; init; }

    /// <summary>This request with <see cref="ProcessorZipPath"/> the zip built for <paramref name="architecture"/>.</summary>
    public DeployRequest ForArchitecture(string architecture)
    {
        if (ProcessorZipPaths.Count == 0)
        {
            return this;
        }

        return ProcessorZipPaths.TryGetValue(architecture, out var zip)
            ? this with { ProcessorZipPath = zip }
            : throw new OrderMonitoringException("ModuleFileMissing", FailureKind.NotFound, $"The module has no processor zip for the architecture {architecture}.",
                $"Reinstall the module, or deploy with -Architecture {string.Join(" or -Architecture ", ProcessorZipPaths.Keys)}.");
    }
}
