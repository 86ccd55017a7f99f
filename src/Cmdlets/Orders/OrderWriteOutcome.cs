using System.Globalization;
using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Orders;

/// <summary>
/// What <see cref="OrderEventWriter"/> stored: the events written and the events not written (both in input order)
/// and, when writing stopped early, why.
/// </summary>
internal sealed class OrderWriteOutcome
{
    /// <summary>The error id of an incomplete write; scripts match on it.</summary>
    public const string IncompleteErrorId = "OrderWriteIncomplete";

    // How many order ids of the unwritten events the message names.
    private const int NamedInMessage = 5;

    public OrderWriteOutcome(IReadOnlyList<OrderEvent> written, IReadOnlyList<OrderEvent> notWritten, OrderWriteFailure? failure,
        IReadOnlyList<OrderEvent>? existing = null)
    {
        Written = written;
        NotWritten = notWritten;
        Failure = failure;
        Existing = existing ?? Array.Empty<OrderEvent>();
    }

    /// <summary>Events the table confirmed, in input order.</summary>
    public IReadOnlyList<OrderEvent> Written { get; }

    /// <summary>Events not written: refused by the call that failed, or never sent because writing stopped.</summary>
    public IReadOnlyList<OrderEvent> NotWritten { get; }

    /// <summary>
    /// Events not written because their item exists (a conditional write refused them; only without -Force): the
    /// error for them is <see cref="ExistingOrders.Error"/>, not <see cref="ToError"/>.
    /// </summary>
    public IReadOnlyList<OrderEvent> Existing { get; }

    /// <summary>The first failure, or null when every event was written (or refused because its item exists).</summary>
    public OrderWriteFailure? Failure { get; }

    /// <summary>True when no event was left unwritten by a failure (events refused because their item exists are apart).</summary>
    public bool IsComplete => NotWritten.Count == 0;

    /// <summary>The error for an incomplete write: how many were written, which were not, and why.</summary>
    public OrderMonitoringException ToError(string tableName)
    {
        var total = Written.Count + NotWritten.Count + Existing.Count;
        var named = string.Join(", ", NotWritten.Take(NamedInMessage).Select(e => $"'{e.OrderId}'"));
        var more = NotWritten.Count > NamedInMessage ? $" and {(NotWritten.Count - NamedInMessage).ToString(CultureInfo.InvariantCulture)} more" : "";
        var message = $"Wrote {Written.Count} of {total} order event(s) to {tableName}; {NotWritten.Count} were not written (order {named}{more}). "
            + $"{Failure?.Reason ?? "Writing stopped"}; no further write call was started and the calls already running were finished.";
        var action = Failure?.Throttled == true
            ? "The table is throttling writes: send the events that were not written again later or fewer at once (the written ones are in the output)."
            : "Correct the cause named in the message and send the events that were not written again; the written ones are in the output, and writing an event again is safe.";
        return new OrderMonitoringException(IncompleteErrorId, FailureKind.OperationFailed, message, action, Failure?.Cause);
    }
}

/// <summary>Why a BatchWriteItem chunk gave up: a readable reason, whether the table was throttling, and the exception if any.</summary>
internal sealed class OrderWriteFailure
{
    private OrderWriteFailure(string reason, bool throttled, Exception? cause)
    {
        Reason = reason;
        Throttled = throttled;
        Cause = cause;
    }

    /// <summary>One sentence for the error message.</summary>
    public string Reason { get; }

    /// <summary>True when the table kept throttling (retrying later helps).</summary>
    public bool Throttled { get; }

    /// <summary>The exception of the failed call, if one was thrown.</summary>
    public Exception? Cause { get; }

    /// <summary>The service left items unprocessed on every attempt.</summary>
    public static OrderWriteFailure Unprocessed(int count, int attempts) =>
        new($"DynamoDB left {count} item(s) unprocessed after {attempts} attempts", throttled: true, cause: null);

    /// <summary>A write call (<paramref name="operation"/>: BatchWriteItem or PutItem) threw: a service error such as ValidationException, or a connection failure.</summary>
    public static OrderWriteFailure Thrown(Exception exception, string operation = "BatchWriteItem")
    {
        if (exception is AmazonServiceException service && !string.IsNullOrEmpty(service.ErrorCode))
        {
            return new($"A {operation} call failed: {service.ErrorCode}: {service.Message}", TransientErrors.IsThrottling(service.StatusCode, service.ErrorCode),
                exception);
        }

        return new($"A {operation} call failed: {exception.Message}", throttled: false, exception);
    }
}
