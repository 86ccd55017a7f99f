using System.Management.Automation;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// Deletes an order-monitoring stack. The order table and the audit and failed-batches buckets stay unless
/// -DeleteOrderTable or -DeleteAuditData asks for them, and each of them is then asked about on its own.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "OrderMonitoringStack", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveOrderMonitoringStackCommand : EnvironmentCmdlet
{
    /// <summary>Also delete the audit and failed-batches buckets with every object version in them (asks separately for each).</summary>
    [Parameter]
    public SwitchParameter DeleteAuditData { get; set; }

    /// <summary>Also delete the order table with every order in it (asks separately; turns its deletion protection off first).</summary>
    [Parameter]
    public SwitchParameter DeleteOrderTable { get; set; }

    /// <summary>
    /// The names of the table and buckets whose deletion is confirmed in advance (for scripts): each one named is
    /// deleted without its question. Neither -Force nor -Confirm:$false answers a data question.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ConfirmDeletionOf { get; set; }

    /// <summary>Do not ask before removing the stack (the data questions are still asked).</summary>
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
            RemoveKeptData(services, stackName);
            return;
        }

        // The reader falls back to the resources (or the kept buckets' and table's names) when outputs are missing.
        var model = RunAsync((_, token) => reader.ToModelAsync(stack, token));
        if (DeleteAuditData && model.AuditBucketName is null)
        {
            WriteWarning($"Stack {stackName} names no audit bucket (no output and no bucket resource), so -DeleteAuditData cannot delete it; "
                + "any audit bucket of an earlier deployment is kept.");
        }

        var data = KeptData.Of(model, DeleteOrderTable, DeleteAuditData);
        if (!DeleteOrderTable && !KeptData.KeepsTable(stack))
        {
            throw KeptData.TableWouldGo(stackName, model.TableName);
        }

        var removeStack = Confirmed(stackName, data.Count > 0
            ? $"Remove stack {stackName} and every resource in it (deleting {string.Join(" and ", data.Select(d => d.Name))} is asked about next)"
            : $"Remove stack {stackName} and every resource in it (the order table and the audit and failed-batches buckets are kept)", out var whatIf);

        // Every question comes before any work, so nobody is asked again halfway through a long deletion, and -WhatIf
        // lists everything the command would do.
        if (!removeStack && !whatIf)
        {
            return;
        }

        var toDelete = Confirmed(data);
        if (!removeStack)
        {
            return;
        }

        if (!KeptData.KeepsTable(stack) && !toDelete.Any(d => d.IsTable))
        {
            // An earlier template's stack takes its table with it: keeping the table means keeping the stack.
            WriteWarning($"Stack {stackName} was kept: removing it would delete the order table, which was not confirmed.");
            return;
        }

        var remover = services.Remover();
        RunAsync((reporter, token) => remover.RemoveAsync(stack, TimeSpan.FromSeconds(TimeoutSeconds), reporter, token));
        Delete(services, toDelete);
        foreach (var kept in KeptData.Of(model, table: true, buckets: true).Where(d => !toDelete.Contains(d)))
        {
            WriteVerbose($"The {kept.Description} {kept.Name} was kept.");
        }
    });

    private void Delete(StackServices services, IEnumerable<KeptData> data)
    {
        foreach (var item in data)
        {
            RunAsync((reporter, token) => services.DeleteAsync(item, TimeSpan.FromSeconds(TimeoutSeconds), reporter, token));
        }
    }

    /// <summary>
    /// No stack: with -DeleteOrderTable or -DeleteAuditData the table and buckets an earlier deployment kept (or a
    /// deletion that stopped half-way left) are deleted, each after its own question; otherwise, or when there is
    /// nothing of the kind either, the stack is reported missing.
    /// </summary>
    private void RemoveKeptData(StackServices services, string stackName)
    {
        var kept = DeleteOrderTable || DeleteAuditData
            ? RunAsync((_, token) => services.FindKeptDataAsync(Environment, DeleteOrderTable, DeleteAuditData, token))
            : Array.Empty<KeptData>();
        if (kept.Count == 0)
        {
            WriteFailure(StackNotFound.Error(stackName, services.Region), stackName);
            return;
        }

        foreach (var item in kept)
        {
            WriteVerbose($"There is no stack {stackName}, but its environment's {item.Description} {item.Name} was kept.");
        }

        Delete(services, Confirmed(kept));
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
    /// The data to delete: each item gets an answer of its own, whose default is No. A "Yes to All" given to the
    /// stack question (which PowerShell remembers for every later ShouldProcess), -Force and -Confirm:$false answer
    /// none of them; only naming the item in -ConfirmDeletionOf does. Under -WhatIf each is listed and none deleted.
    /// </summary>
    private List<KeptData> Confirmed(IReadOnlyList<KeptData> data)
    {
        var named = new HashSet<string>(ConfirmDeletionOf ?? Array.Empty<string>(), StringComparer.Ordinal);
        foreach (var stray in named.Where(name => data.All(d => d.Name != name)))
        {
            WriteWarning($"-ConfirmDeletionOf names {stray}, which this command does not delete (it deletes {(data.Count == 0 ? "no data" : string.Join(", ", data.Select(d => d.Name)))}).");
        }

        if (WhatIfInEffect())
        {
            foreach (var item in data)
            {
                _ = Confirmation.ShouldProcess(this, item.Name, item.Action, out _);
            }

            return new List<KeptData>();
        }

        var all = string.Join(", ", data.Select(d => $"'{d.Name}'"));
        return data.Where(item => named.Contains(item.Name)
            || Confirmation.ConfirmDataDeletion(this, item.Name, $"{item.Action}?", $"Delete the {item.Description} {item.Name}",
                $"A data deletion is never confirmed by -Force or -Confirm:$false: name what may be deleted, e.g. -ConfirmDeletionOf {all} (or -WhatIf to see what it would do)."))
            .ToList();
    }

    private bool WhatIfInEffect() =>
        MyInvocation.BoundParameters.ContainsKey("WhatIf") ? Switch("WhatIf") : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    private bool Switch(string name) =>
        MyInvocation.BoundParameters.TryGetValue(name, out var value) && LanguagePrimitives.IsTrue(value);
}
