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
            WriteFailure(StackNotFound.Error(stackName, services.Region), stackName);
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

        eraseAuditData = eraseAuditData
            && Confirmed(auditBucket!, $"Delete every version of every audit object in {auditBucket} and the bucket itself (cannot be undone)", out _);
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
        var confirmed = ShouldProcess($"Performing the operation \"{action}\" on target \"{target}\".",
            $"Are you sure you want to perform this action?\n{action} on target \"{target}\".", "Confirm", out var reason);
        whatIf = reason == ShouldProcessReason.WhatIf;
        return confirmed;
    }

    private bool WhatIfInEffect() =>
        MyInvocation.BoundParameters.ContainsKey("WhatIf") ? Switch("WhatIf") : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    private bool Switch(string name) =>
        MyInvocation.BoundParameters.TryGetValue(name, out var value) && LanguagePrimitives.IsTrue(value);
}
