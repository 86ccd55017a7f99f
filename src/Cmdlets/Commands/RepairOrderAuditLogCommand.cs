using System.Management.Automation;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Reconciliation;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Repairs what Test-OrderAuditLog finds and keeps the evidence: copies proven versions back, restores lost records from the stream, writes reconciliation records, and signs a repair record for each; never deletes.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "OrderAuditLog", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = OrderIdSet)]
[OutputType(typeof(AuditRepair))]
public sealed class RepairOrderAuditLogCommand : OrderCmdlet
{
    private const string OrderIdSet = "OrderId";
    private const string FindingSet = "Finding";

    private readonly List<string> _orderIds = new();
    private readonly List<AuditFinding> _findings = new();
    private OrderStackResources? _stack;
    private ReconciliationServices? _services;

    /// <summary>Only these orders; default every order.</summary>
    [Parameter(ParameterSetName = OrderIdSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? OrderId { get; set; }

    /// <summary>Findings of Test-OrderAuditLog (or its whole result): only these are repaired, if they still hold.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FindingSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Findings")]
    public AuditFinding[] InputObject { get; set; } = Array.Empty<AuditFinding>();

    /// <summary>Also copies the first version of each overwritten object that no digest covers back as its current version (digest-proven ones need no switch).</summary>
    [Parameter]
    public SwitchParameter RestoreTampered { get; set; }

    /// <summary>
    /// Acknowledges each gap between two seals (DigestMissing on seals/ naming both) with a repair record signed by the
    /// repair key, after a person has checked that no seal was deleted; asks for each gap. Never implied by -Confirm:$false
    /// or any other switch; an overdue newest seal is never acknowledged.
    /// </summary>
    [Parameter]
    public SwitchParameter AcknowledgeSealGap { get; set; }

    /// <summary>Differences explained by records still in the table's stream are left for the processor.</summary>
    [Parameter]
    public SwitchParameter IgnorePending { get; set; }

    /// <summary>Collects orders or findings (and the stack) from the pipeline.</summary>
    protected override void ProcessRecord()
    {
        _stack ??= CurrentStack();
        if (ParameterSetName == FindingSet)
        {
            _findings.AddRange(InputObject.Where(f => f is not null));
        }
        else if (OrderId is { } ids)
        {
            _orderIds.AddRange(ids);
        }
    }

    /// <summary>Checks again (findings may be stale), then repairs each finding that still holds, asking first.</summary>
    protected override void EndProcessing()
    {
        if (ParameterSetName == FindingSet && _findings.Count == 0)
        {
            return;
        }

        var stack = _stack ?? CurrentStack();
        var services = _services ??= new ReconciliationServices(Orders, Time);
        // A trail-wide finding (a seal gap, the bucket's protection) names no order: the check reports it whatever orders it reads.
        var orders = ParameterSetName == FindingSet ? _findings.Select(f => f.OrderId).Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToList()
            : _orderIds.Count == 0 ? null : _orderIds;
        Guard(() => RunAsync((target, action) => ShouldProcess(target, action), async (reporter, confirm, token) =>
        {
            var outcome = await AuditLogCheckRun.RunAsync(services, stack, new AuditLogCheckRequest(orders, null, null, IgnorePending), reporter, token)
                .ConfigureAwait(false);
            var findings = ParameterSetName == FindingSet ? outcome.Findings.Where(f => _findings.Any(f.Matches)).ToList() : outcome.Findings.ToList();
            await services.Repairer().RepairAllAsync(stack, new RepairRequest(findings, outcome.Findings, RestoreTampered, AcknowledgeSealGap), confirm, reporter, token).ConfigureAwait(false);
            return true;
        }));
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
