using System.Management.Automation;
using OrderMonitoring.Cmdlets.Infrastructure;
using OrderMonitoring.Cmdlets.Services;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>Deletes an order-monitoring stack; the retained audit bucket stays unless -DeleteAuditData is given.</summary>
[Cmdlet(VerbsCommon.Remove, "OrderMonitoringStack", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveOrderMonitoringStackCommand : EnvironmentCmdlet
{
    /// <summary>Also delete every version of every audit object and the audit bucket itself (asks separately).</summary>
    [Parameter]
    public SwitchParameter DeleteAuditData { get; set; }

    /// <summary>Do not ask for confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How long to follow the deletion (default 1800 s).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSeconds { get; set; } = 1800;

    /// <inheritdoc />
    protected override void ProcessRecord() => Guard(() =>
    {
        var stackName = ResolvedStackName;
        using var services = new StackServices(ClientFactory);
        var reader = services.Reader;
        var stack = RunAsync((_, token) => reader.DescribeAsync(stackName, token));
        if (stack is null)
        {
            WriteFailure(new OrderMonitoringException("StackNotFound", FailureKind.NotFound, $"No stack named {stackName} in {services.Region}.",
                "Check -Environment, -StackName and -Region (Get-OrderMonitoringStack lists them)."), stackName);
            return;
        }

        // The reader falls back to the bucket resource when the output is missing (a failed update, some emulators).
        var auditBucket = RunAsync((_, token) => reader.ToModelAsync(stack, token)).AuditBucketName;
        if (!Confirmed(stackName, $"Remove stack {stackName} and every resource in it (the audit bucket is kept)"))
        {
            return;
        }

        var remover = services.Remover();
        RunAsync((reporter, token) => remover.RemoveAsync(stack, TimeSpan.FromSeconds(TimeoutSeconds), reporter, token));
        if (DeleteAuditData && auditBucket is not null
            && Confirmed(auditBucket, $"Delete every version of every audit object in {auditBucket} and the bucket itself (cannot be undone)"))
        {
            var eraser = services.Eraser();
            RunAsync((reporter, token) => eraser.EraseAsync(auditBucket, reporter, token));
        }
        else if (auditBucket is not null)
        {
            WriteVerbose($"The audit bucket {auditBucket} was kept.");
        }
    });

    private bool Confirmed(string target, string action) =>
        Force && !MyInvocation.BoundParameters.ContainsKey("WhatIf") && !MyInvocation.BoundParameters.ContainsKey("Confirm")
            ? true
            : ShouldProcess(target, action);
}
