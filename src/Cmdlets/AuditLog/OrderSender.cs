using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Orders;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.AuditLog;

/// <summary>
/// What one slice of Send-TestOrderEvent came to: the results to output (written, and with a wait audited), the errors
/// to report after them, and how many events were not written.
/// </summary>
internal sealed record SendOutcome(IReadOnlyList<OrderEventResult> Results, IReadOnlyList<Exception> Errors, int NotWritten);

/// <summary>
/// Writes order events to the stack's table and, when asked to wait, follows each into the audit log: the writer and
/// the waiter coordinated, so the cmdlet only binds, asks and writes what comes back.
/// </summary>
internal sealed class OrderSender(OrderEventWriter writer, AuditWaiter waiter)
{
    /// <summary>
    /// Writes <paramref name="events"/>; with <paramref name="wait"/>, waits that long for their audit objects. An event
    /// whose item already exists is written only with <paramref name="overwrite"/> (else an OrderExists error names it).
    /// Each result is output through <paramref name="reporter"/> as soon as it is stored (without a wait) or audited (with
    /// one), so a stopped run keeps what it output; the outcome's Results are then empty.
    /// </summary>
    public async Task<SendOutcome> SendAsync(OrderStackResources stack, IReadOnlyList<OrderEvent> events, TimeSpan? wait, bool overwrite,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var errors = new List<Exception>();
        Action<OrderEvent>? stream = wait is null ? e => reporter.Output(ToResult(e, stack, null)) : null;
        var writeStarted = waiter.Time.GetTimestamp();
        // Without overwrite each write is conditional on the item not existing: checked by the table, not before.
        var written = await writer.WriteAsync(stack.TableName, events, reporter, cancellationToken, stream, onlyNewItems: !overwrite).ConfigureAwait(false);
        reporter.Verbose($"Wrote {written.Written.Count} of {events.Count} order event(s) to {stack.TableName}.");
        if (written.Existing.Count > 0)
        {
            errors.Add(ExistingOrders.Error(stack.TableName, written.Existing));
        }

        if (!written.IsComplete)
        {
            errors.Add(written.ToError(stack.TableName));
        }

        var notWritten = written.NotWritten.Count + written.Existing.Count;
        if (wait is not { } timeout || written.Written.Count == 0)
        {
            return new SendOutcome(Array.Empty<OrderEventResult>(), errors, notWritten);
        }

        // Each audited event is output as soon as its audit object is found, so a long wait streams and Ctrl+C keeps what arrived.
        var arrivals = await waiter.WaitAsync(stack.AuditBucketName, written.Written, writeStarted, timeout, reporter, cancellationToken,
            (i, arrival) => reporter.Output(ToResult(written.Written[i], stack, arrival))).ConfigureAwait(false);
        var missing = written.Written.Where((_, i) => arrivals[i] is null).ToList();
        if (missing.Count > 0)
        {
            errors.Add(AuditTimeout(written.Written.Count, missing, timeout));
        }

        return new SendOutcome(Array.Empty<OrderEventResult>(), errors, notWritten);
    }

    private static OrderMonitoringException AuditTimeout(int writtenCount, IReadOnlyList<OrderEvent> missing, TimeSpan timeout)
    {
        const int named = 5;
        var names = string.Join(", ", missing.Take(named).Select(e => $"'{e.OrderId}' (timestamp {e.Timestamp})"));
        var more = missing.Count > named ? $" and {missing.Count - named} more" : "";
        return new OrderMonitoringException("AuditTimeout", FailureKind.Timeout,
            $"{writtenCount} event(s) were written, but for {missing.Count} of them the audit object did not appear within {timeout.TotalSeconds:0} s: order {names}{more}. "
            + $"The {writtenCount - missing.Count} that were audited are in the output.",
            "Check that the processor runs: Get-OrderMonitoringStatus, or with -ProcessorTrigger External run Invoke-OrderEventProcessor -FromStream; or raise -TimeoutSeconds.");
    }

    /// <summary>The output object for a written event.</summary>
    private static OrderEventResult ToResult(OrderEvent orderEvent, OrderStackResources stack, AuditArrival? arrival) => new()
    {
        OrderId = orderEvent.OrderId,
        Timestamp = orderEvent.Timestamp,
        Status = orderEvent.Status,
        TableName = stack.TableName,
        Environment = stack.Environment,
        AuditKey = arrival?.Key,
        AuditLatency = arrival?.Latency,
    };
}
