using System.Management.Automation;
using OrderMonitoring.Cmdlets.Shell;
using OrderMonitoring.Cmdlets.Stacks;

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
            RemoveKeptAuditData(services, stackName);
            return;
        }

        // The reader falls back to the bucket resource when the output is missing (a failed update, some emulators).
        var auditBucket = RunAsync((_, token) => reader.ToModelAsync(stack, token)).AuditBucketName;
        var eraseAuditData = DeleteAuditData && auditBucket is not null;
        if (DeleteAuditData && auditBucket is null)
        {
            WriteWarning($"Stack {stackName} names no audit bucket (no output and no bucket resource), so -DeleteAuditData has nothing to delete; "
                + "any audit bucket of an earlier deployment is kept.");
        }

        var removeStack = Confirmed(stackName, eraseAuditData
            ? $"Remove stack {stackName} and every resource in it (the audit bucket {auditBucket} is asked about next)"
            : $"Remove stack {stackName} and every resource in it (the audit bucket is kept)", out var whatIf);

        // Both questions come before any work, so nobody is asked again halfway through a long deletion, and -WhatIf
        // lists everything the command would do.
        if (!removeStack && !whatIf)
        {
            return;
        }

        eraseAuditData = eraseAuditData && ConfirmedDataDeletion(auditBucket!);
        if (!removeStack)
        {
            return;
        }

        var remover = services.Remover();
        RunAsync((reporter, token) => remover.RemoveAsync(stack, TimeSpan.FromSeconds(TimeoutSeconds), reporter, token));
        if (eraseAuditData)
        {
            var eraser = services.Eraser();
            RunAsync((reporter, token) => eraser.EraseAsync(auditBucket!, reporter, token));
        }
        else if (auditBucket is not null)
        {
            WriteVerbose($"The audit bucket {auditBucket} was kept.");
        }
    });

    /// <summary>
    /// No stack: with -DeleteAuditData the bucket an earlier deployment kept (or a wipe that stopped half-way left) is
    /// deleted, after its own question; otherwise, or when there is no such bucket either, the stack is reported missing.
    /// </summary>
    private void RemoveKeptAuditData(StackServices services, string stackName)
    {
        var kept = services.KeptAuditBucket();
        var bucket = DeleteAuditData ? RunAsync((_, token) => kept.FindAsync(Environment, token)) : null;
        if (bucket is null)
        {
            WriteFailure(StackNotFound.Error(stackName, services.Region), stackName);
            return;
        }

        WriteVerbose($"There is no stack {stackName}, but its environment's audit bucket {bucket} was kept.");
        if (ConfirmedDataDeletion(bucket))
        {
            var eraser = services.Eraser();
            RunAsync((reporter, token) => eraser.EraseAsync(bucket, reporter, token));
        }
    }

    private bool Confirmed(string target, string action, out bool whatIf)
    {
        whatIf = false;
        // -Force only skips the question. -WhatIf still wins, whether typed here or inherited through
        // $WhatIfPreference (a script or function called with -WhatIf), and an explicit -Confirm still asks.
        if (Force && !Switch("Confirm") && !WhatIfInEffect())
        {
            return true;
        }

        // The reason tells -WhatIf (or $WhatIfPreference) apart from a "No" at the prompt.
        var confirmed = Confirmation.ShouldProcess(this, target, action, out var reason);
        whatIf = reason == ShouldProcessReason.WhatIf;
        return confirmed;
    }

    /// <summary>
    /// Deleting audit data gets an answer of its own, for each bucket: ShouldProcess would take a "Yes to All" given to
    /// the stack question (PowerShell remembers it for every later ShouldProcess call), so the question is
    /// ShouldContinue. ShouldProcess only writes the -WhatIf line. -Force or -Confirm:$false skip the question.
    /// </summary>
    private bool ConfirmedDataDeletion(string bucket)
    {
        var action = $"Delete every version of every audit object in {bucket} and the bucket itself (cannot be undone)";
        if (WhatIfInEffect())
        {
            _ = Confirmation.ShouldProcess(this, bucket, action, out _);
            return false;
        }

        var confirmExplicitlyOff = MyInvocation.BoundParameters.ContainsKey("Confirm") && !Switch("Confirm");
        return (Force && !Switch("Confirm")) || confirmExplicitlyOff
            || Confirmation.ShouldContinue(this, bucket, $"{action}?", $"Delete the audit data in {bucket}");
    }

    private bool WhatIfInEffect() =>
        MyInvocation.BoundParameters.ContainsKey("WhatIf") ? Switch("WhatIf") : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    private bool Switch(string name) =>
        MyInvocation.BoundParameters.TryGetValue(name, out var value) && LanguagePrimitives.IsTrue(value);
}
