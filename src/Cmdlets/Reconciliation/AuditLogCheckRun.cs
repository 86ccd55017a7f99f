using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>What both reconciliation cmdlets ask for: which orders, which window, whether to forgive pending records.</summary>
internal sealed record AuditLogCheckRequest(IReadOnlyList<string>? OrderIds, DateTimeOffset? Since, DateTimeOffset? Until, bool IgnorePending);

/// <summary>Runs a check against a deployed stack: reads the stream first when pending records are to be forgiven.</summary>
internal static class AuditLogCheckRun
{
    public static async Task<CheckOutcome> RunAsync(ReconciliationServices services, OrderStackResources stack, AuditLogCheckRequest request,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        PendingChanges? pending = null;
        if (request.IgnorePending)
        {
            if (string.IsNullOrEmpty(stack.StreamArn))
            {
                throw new OrderMonitoringException("StreamNotFound", FailureKind.InvalidState,
                    $"-IgnorePending reads the table's stream, but stack {stack.StackName} names none.",
                    "Run without -IgnorePending, or check the stack's outputs with Get-OrderMonitoringStack.");
            }

            reporter.Progress(new OperationProgress(1, "Checking the audit log", "reading the records still in the stream"));
            pending = await services.Pending().ReadAsync(stack.StreamArn!, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"{pending.Records} record(s) are in the table's stream; findings they explain are not reported.");
        }

        var created = await services.TableCreatedAsync(stack.TableName, cancellationToken).ConfigureAwait(false);
        var scope = new CheckScope(request.Since, request.Until, pending, created);
        var outcome = await services.Checker().CheckAsync(new CheckRequest(stack.TableName, stack.AuditBucketName, request.OrderIds, scope), reporter, cancellationToken)
            .ConfigureAwait(false);
        reporter.Verbose($"Checked {outcome.Orders} order(s), {outcome.Items} item(s) and {outcome.AuditObjects} audit object(s) in {outcome.Duration.TotalSeconds:0.0} s: "
            + $"{outcome.Findings.Count} finding(s), {outcome.PendingIgnored} explained by pending stream records.");
        return outcome with { TableCreated = created };
    }

    /// <summary>-Since/-Until as points in time, checked; PowerShell's dates are local unless they say otherwise.</summary>
    public static (DateTimeOffset? Since, DateTimeOffset? Until) Window(DateTime? since, DateTime? until)
    {
        var from = since is { } s ? ToOffset(s) : (DateTimeOffset?)null;
        var to = until is { } u ? ToOffset(u) : (DateTimeOffset?)null;
        if (from > to)
        {
            throw new OrderMonitoringException("TimeRangeInvalid", FailureKind.InvalidArgument, $"-Since ({from:o}) is after -Until ({to:o}).", "Give a -Since before -Until.");
        }

        return (from, to);
    }

    private static DateTimeOffset ToOffset(DateTime value) =>
        value.Kind == DateTimeKind.Utc ? new DateTimeOffset(value) : new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Local));
}
