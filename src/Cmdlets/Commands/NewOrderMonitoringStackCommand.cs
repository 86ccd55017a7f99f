using System.Collections;
using System.Management.Automation;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>Creates or updates an order-monitoring stack through a change set, following it until it is done.</summary>
[Cmdlet(VerbsCommon.New, "OrderMonitoringStack", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OrderMonitoring.Stack), typeof(StackChange))]
public sealed class NewOrderMonitoringStackCommand : EnvironmentCmdlet
{
    /// <summary>
    /// Lambda: the stream triggers the function. External: the processor runs elsewhere (Invoke-OrderEventProcessor).
    /// Omitted: Lambda for a new stack, the stack's current value on an update.
    /// </summary>
    [Parameter]
    [ValidateSet(TemplateContract.ProcessorTriggers.Lambda, TemplateContract.ProcessorTriggers.External)]
    public string? ProcessorTrigger { get; set; }

    /// <summary>The processor function's instruction set: arm64 (default for a new stack) or x86_64. Omitted: the stack's current one on an update.</summary>
    [Parameter]
    [ValidateSet(TemplateContract.Architectures.Arm64, TemplateContract.Architectures.X86_64)]
    public string? Architecture { get; set; }

    /// <summary>Stream records per Lambda invocation (1-10000; 100 for a new stack). Omitted: the stack's current value on an update.</summary>
    [Parameter]
    [ValidateRange(1, 10000)]
    public int? BatchSize { get; set; }

    /// <summary>Seconds Lambda may wait to fill a batch (0-300; 1 for a new stack). Omitted: the stack's current value on an update.</summary>
    [Parameter]
    [ValidateRange(0, 300)]
    public int? MaximumBatchingWindowInSecond { get; set; }

    /// <summary>Concurrent batches per stream shard (1-10; 1 for a new stack). Omitted: the stack's current value on an update.</summary>
    [Parameter]
    [ValidateRange(1, 10)]
    public int? ParallelizationFactor { get; set; }

    /// <summary>An e-mail address subscribed to the alerts topic ('' for none). Omitted: the stack's current value on an update.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? AlertEmail { get; set; }

    /// <summary>
    /// What order alerts carry. Summary: order id, status, previous status, event type and time, audit key (no other
    /// customer data). Full: also the order's old and new images. Omitted: Summary for a new stack, the stack's current
    /// value on an update.
    /// </summary>
    [Parameter]
    [ValidateSet(TemplateContract.AlertDetails.Summary, TemplateContract.AlertDetails.Full)]
    public string? AlertDetail { get; set; }

    /// <summary>Tags for the stack (and, through CloudFormation, its resources).</summary>
    [Parameter]
    public Hashtable? Tag { get; set; }

    /// <summary>Bucket for the processor zip and the template; default order-monitoring-artifacts-&lt;account&gt;-&lt;region&gt;.</summary>
    [Parameter]
    [ValidatePattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    public string? ArtifactBucketName { get; set; }

    /// <summary>
    /// An AWS Lambda code signing configuration for the function ('' for none). Omitted: the stack's current value on an
    /// update. The processor zip the module ships is not signed with AWS Signer; sign it before deploying under an
    /// Enforce policy.
    /// </summary>
    [Parameter]
    [AllowEmptyString]
    [ValidatePattern("^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:code-signing-config:csc-[a-z0-9]{17})?$")]
    public string? CodeSigningConfigArn { get; set; }

    /// <summary>
    /// An existing KMS key (ECC_NIST_P256, SIGN_VERIFY; a key ARN, also of another account) that signs the processor's
    /// digests; the processor role needs kms:Sign on it. '' lets the stack create its own. Omitted: the stack's current one.
    /// </summary>
    [Parameter]
    [AllowEmptyString]
    [ValidatePattern(KeyArnPattern)]
    public string? DigestSigningKeyArn { get; set; }

    /// <summary>
    /// An existing KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs Repair-OrderAuditLog's repair records; operators who
    /// repair need kms:Sign on it, the processor must never have it. '' lets the stack create its own. Omitted: the stack's current one.
    /// </summary>
    [Parameter]
    [AllowEmptyString]
    [ValidatePattern(KeyArnPattern)]
    public string? RepairSigningKeyArn { get; set; }

    /// <summary>
    /// S3 Object Lock default retention of the audit bucket (audit objects, digests and repair records). Governance: users
    /// with s3:BypassGovernanceRetention may still delete. Compliance: no one can, not even the root user, until the
    /// retention ends; asked for first (-Force skips the question). Object Lock cannot be turned off again. Omitted: the
    /// stack's current setting (none for a new stack).
    /// </summary>
    [Parameter]
    [ValidateSet("Governance", "Compliance")]
    public string? AuditObjectLockMode { get; set; }

    /// <summary>Days each version in the audit bucket is locked after it is written (1-36500; 365 for a new stack). Omitted: the stack's current value.</summary>
    [Parameter]
    [ValidateRange(1, 36500)]
    public int? AuditObjectLockDays { get; set; }

    /// <summary>
    /// Minutes between two seals the stack's schedule writes (5-1440; 60 for a new stack): each seal names every digest
    /// chain's newest digest, so a deleted chain tail or seal is found within this interval and a grace. Omitted: the stack's current value.
    /// </summary>
    [Parameter]
    [ValidateRange(5, 1440)]
    public int? DigestSealIntervalMinutes { get; set; }

    /// <summary>How long the whole deployment may take (default 1800 s); the operation continues in AWS after that.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 1800;

    /// <summary>Replace a stack left in ROLLBACK_COMPLETE by an earlier failed create; with -AuditObjectLockMode Compliance, do not ask first.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => Guard(() =>
    {
        if (EnvironmentName.DeployProblem(Environment, Connection.Region.SystemName) is { } problem)
        {
            throw new OrderMonitoringException("EnvironmentNotDeployable", FailureKind.InvalidArgument, problem,
                "Choose a short, lower-case environment name such as 'dev' or 'prod2'.");
        }

        var request = new DeployRequest
        {
            StackName = ResolvedStackName,
            Environment = Environment,
            TemplatePath = ModuleFiles.TemplatePath(),
            ProcessorZipPaths = ModuleFiles.ProcessorZipPaths(),
            Architecture = Architecture,
            StreamBatchSize = BatchSize,
            StreamMaximumBatchingWindowInSeconds = MaximumBatchingWindowInSecond,
            StreamParallelizationFactor = ParallelizationFactor,
            ArtifactBucketName = ArtifactBucketName,
            ProcessorTrigger = ProcessorTrigger,
            AlertEmail = AlertEmail,
            CodeSigningConfigArn = CodeSigningConfigArn,
            AlertDetail = AlertDetail,
            DigestSigningKeyArn = DigestSigningKeyArn,
            RepairSigningKeyArn = RepairSigningKeyArn,
            AuditObjectLockMode = AuditObjectLockMode?.ToUpperInvariant(),
            AuditObjectLockDays = AuditObjectLockDays,
            DigestSealIntervalMinutes = DigestSealIntervalMinutes,
            Tags = Tags(),
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
            ReplaceFailedStack = Force,
        };
        using var services = new StackServices(ClientFactory);
        var deployer = services.Deployer();
        if (ShouldProcess(DeployDescription(request), null, "Deploy", out var reason))
        {
            if (request.AuditObjectLockMode == TemplateContract.ObjectLockModes.Compliance && !Force && !Confirmation.ConfirmIrreversible(this, request.StackName,
                    $"Lock every version written to the audit bucket of {request.StackName} in COMPLIANCE mode for {AuditObjectLockDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the stack's (or 365)"} day(s)? "
                    + "No one, not even the account's root user, can delete a locked version or shorten its retention, and Object Lock cannot be turned off again.",
                    "Audit Object Lock in COMPLIANCE mode",
                    "Turn on COMPLIANCE mode; this cannot be undone.", "Deploy nothing (the default).",
                    "Pass -Force to turn on COMPLIANCE mode without asking, or -AuditObjectLockMode Governance."))
            {
                WriteVerbose($"COMPLIANCE mode declined; stack {request.StackName} was not deployed.");
                return;
            }

            WriteObject(RunAsync((reporter, token) => deployer.DeployAsync(request, reporter, token)));
        }
        else if (reason == ShouldProcessReason.WhatIf)
        {
            var plan = RunAsync((reporter, token) => deployer.PlanAsync(request, reporter, token));
            if (ConditionalPlanNote.For(plan, File.ReadAllText(request.TemplatePath), Connection.EndpointFor(AwsServiceIds.CloudFormation)) is { } note)
            {
                WriteWarning(note);
            }

            WriteObject(plan, enumerateCollection: true);
        }
    });

    private const string KeyArnPattern = "^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+)?$";

    /// <summary>What -WhatIf and -Confirm say: the stack and its trigger, and the signing keys and Object Lock when they are passed.</summary>
    private string DeployDescription(DeployRequest request)
    {
        static string Key(string arn) => arn.Length > 0 ? arn : "one the stack creates";

        var details = new List<string> { $"environment {Environment}", $"trigger {ProcessorTrigger ?? "Lambda, or the stack's current one"}" };
        if (request.DigestSigningKeyArn is { } digest)
        {
            details.Add($"digest signing key {Key(digest)}");
        }

        if (request.RepairSigningKeyArn is { } repair)
        {
            details.Add($"repair signing key {Key(repair)}");
        }

        if (request.AuditObjectLockMode is not null || request.AuditObjectLockDays is not null)
        {
            details.Add($"audit Object Lock {request.AuditObjectLockMode ?? "as the stack has it"}"
                + (request.AuditObjectLockDays is { } days ? $" for {days.ToString(System.Globalization.CultureInfo.InvariantCulture)} day(s)" : ""));
        }

        return $"Deploy stack {request.StackName} ({string.Join(", ", details)})";
    }

    private Dictionary<string, string> Tags()
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Tag ?? new Hashtable())
        {
            var key = entry.Key?.ToString();
            if (string.IsNullOrWhiteSpace(key))
            {
                throw new OrderMonitoringException("InvalidTag", FailureKind.InvalidArgument, "Tag keys must not be empty.", "Pass -Tag @{ Key = 'Value' }.");
            }

            tags[key!] = entry.Value?.ToString() ?? "";
        }

        return tags;
    }
}
