using System.Management.Automation;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Reconciles an order-monitoring stack's table with its audit trail and reports what is missing, stale, deleted or tampered with.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "OrderAuditLog")]
[OutputType(typeof(AuditLogCheck))]
[OutputType(typeof(bool))]
public sealed class TestOrderAuditLogCommand : OrderCmdlet
{
    private readonly List<string> _orderIds = new();
    private OrderStackResources? _stack;
    private ReconciliationServices? _services;

    /// <summary>Only these orders; default every order in the table and the bucket.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? OrderId { get; set; }

    /// <summary>Only items whose timestamp (epoch ms) is at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Only items whose timestamp is at or before this time.</summary>
    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>Differences explained by records still in the table's stream are not findings (they are counted in PendingIgnored).</summary>
    [Parameter]
    public SwitchParameter IgnorePending { get; set; }

    /// <summary>
    /// A PEM file with the digest signing key's public key: verifies without any KMS permission (default: kms:GetPublicKey
    /// on the stack's DigestSigningKeyArn).
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PublicKeyPath { get; set; }

    /// <summary>A PEM file with the repair signing key's public key (default: kms:GetPublicKey on the stack's RepairSigningKeyArn).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepairPublicKeyPath { get; set; }

    /// <summary>With -TotalSegments: which part of a whole check this run is (0-based); the parts' findings together are the whole check's.</summary>
    [Parameter]
    [ValidateRange(0, 999)]
    public int? Segment { get; set; }

    /// <summary>How many parts a whole check is split into (one per CI job).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int? TotalSegments { get; set; }

    /// <summary>Returns only $true (complete) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Collects the orders (and the stack) from the pipeline.</summary>
    protected override void ProcessRecord()
    {
        _stack ??= CurrentStack();
        if (OrderId is { } ids)
        {
            _orderIds.AddRange(ids);
        }
    }

    /// <summary>Runs the check once for everything collected and writes its result.</summary>
    protected override void EndProcessing()
    {
        var stack = _stack ?? CurrentStack();
        var services = _services ??= new ReconciliationServices(Orders, Time);
        AuditLogCheck? result = null;
        Guard(() =>
        {
            var (since, until) = AuditLogCheckRun.Window(Since, Until);
            var request = new AuditLogCheckRequest(_orderIds.Count == 0 ? null : _orderIds, since, until, IgnorePending)
            {
                PublicKeyPath = PublicKeyPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(PublicKeyPath),
                RepairPublicKeyPath = RepairPublicKeyPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(RepairPublicKeyPath),
                Part = AuditLogCheckRun.Part(Segment, TotalSegments, _orderIds.Count > 0 || since is not null || until is not null),
            };
            var outcome = RunAsync((reporter, token) => AuditLogCheckRun.RunAsync(services, stack, request, reporter, token));
            result = new AuditLogCheck
            {
                Environment = stack.Environment,
                StackName = stack.StackName,
                OrdersChecked = outcome.Orders,
                ItemsChecked = outcome.Items,
                AuditObjectsChecked = outcome.AuditObjects,
                PendingIgnored = outcome.PendingIgnored,
                TableCreated = outcome.TableCreated?.UtcDateTime,
                DigestsVerified = outcome.DigestsVerified,
                SealsVerified = outcome.SealsVerified,
                Duration = outcome.Duration,
                Findings = outcome.Findings.Select(f => f.ToPublic(stack.Environment, stack.StackName)).ToArray(),
            };
        });
        WriteObject(Quiet ? result!.Complete : result);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _services?.Dispose();
        }

        base.Dispose(disposing);
    }
}
