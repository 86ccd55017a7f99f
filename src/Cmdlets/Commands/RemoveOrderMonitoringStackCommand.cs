using System.Management.Automation;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>Deletes an order-monitoring stack; the retained audit and failed-batches buckets stay unless -DeleteAuditData is given.</summary>
[Cmdlet(VerbsCommon.Remove, "OrderMonitoringStack", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveOrderMonitoringStackCommand : EnvironmentCmdlet
{
    /// <summary>Also delete the audit and failed-batches buckets with every object version in them (asks separately for each).</summary>
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

        // The reader falls back to the bucket resources (or the kept buckets' names) when outputs are missing.
        var model = RunAsync((_, token) => reader.ToModelAsync(stack, token));
        var dataBuckets = new[] { model.AuditBucketName, model.FailedBatchesBucketName }.OfType<string>().ToList();
        if (DeleteAuditData && model.AuditBucketName is null)
        {
            WriteWarning($"Stack {stackName} names no audit bucket (no output and no bucket resource), so -DeleteAuditData cannot delete it; "
                + "any audit bucket of an earlier deployment is kept.");
        }

        var eraseAuditData = DeleteAuditData && dataBuckets.Count > 0;
        var removeStack = Confirmed(stackName, eraseAuditData
            ? $"Remove stack {stackName} and every resource in it (deleting the data in {string.Join(" and ", dataBuckets)} is asked about next)"
            : $"Remove stack {stackName} and every resource in it (the audit and failed-batches buckets are kept)", out var whatIf);

        // Every question comes before any work, so nobody is asked again halfway through a long deletion, and -WhatIf
        // lists everything the command would do.
        if (!removeStack && !whatIf)
        {
            return;
        }

        var toErase = eraseAuditData ? dataBuckets.Where(ConfirmedDataDeletion).ToList() : new List<string>();
        if (!removeStack)
        {
            return;
        }

        var remover = services.Remover();
        RunAsync((reporter, token) => remover.RemoveAsync(stack, TimeSpan.FromSeconds(TimeoutSeconds), reporter, token));
        Erase(services, toErase);
        foreach (var keptBucket in dataBuckets.Except(toErase))
        {
            WriteVerbose($"The bucket {keptBucket} was kept.");
        }
    });

    private void Erase(StackServices services, IEnumerable<string> buckets)
    {
        var eraser = services.Eraser();
        foreach (var bucket in buckets)
        {
            RunAsync((reporter, token) => eraser.EraseAsync(bucket, reporter, token));
        }
    }

    /// <summary>
    /// No stack: with -DeleteAuditData the buckets an earlier deployment kept (or a wipe that stopped half-way left)
    /// are deleted, each after its own question; otherwise, or when there is no such bucket either, the stack is
    /// reported missing.
    /// </summary>
    private void RemoveKeptAuditData(StackServices services, string stackName)
    {
        var finder = services.KeptBuckets();
        var kept = DeleteAuditData ? RunAsync((_, token) => finder.FindAsync(Environment, token)) : Array.Empty<(RetainedBucket, string)>();
        if (kept.Count == 0)
        {
            WriteFailure(StackNotFound.Error(stackName, services.Region), stackName);
            return;
        }

        foreach (var (bucket, name) in kept)
        {
            WriteVerbose($"There is no stack {stackName}, but its environment's {bucket.Description} bucket {name} was kept.");
        }

        Erase(services, kept.Select(found => found.Name).Where(ConfirmedDataDeletion).ToList());
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
        var action = $"Delete every version of every object in {bucket} and the bucket itself (cannot be undone)";
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
