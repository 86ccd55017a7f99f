using System.Management.Automation;
using OrderMonitoring.Cmdlets.Completion;
using OrderMonitoring.Cmdlets.Shell;
using OrderMonitoring.Cmdlets.Orders;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Writes order events to an order-monitoring stack's table.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Send, "TestOrderEvent", DefaultParameterSetName = EventSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OrderEventResult))]
public sealed class SendTestOrderEventCommand : OrderCmdlet
{
    private const string EventSet = "Event";
    private const string CountSet = "Count";

    // Pipeline input is written in slices of this size, so a large CSV streams instead of being held in memory.
    private const int FlushThreshold = 1000;

    // 9999-12-31T23:59:59.999Z, the last instant DateTimeOffset (and so OrderEventResult.Time) can hold.
    private const long MaxTimestamp = 253_402_300_799_999;

    private readonly List<OrderEvent> _buffer = new();
    private readonly HashSet<string> _unknownStatusesWarned = new(StringComparer.OrdinalIgnoreCase);
    private OrderStackResources? _bufferStack;
    private int _rejected;
    private int _received;
    private int _notWritten;

    /// <summary>Order id; a new unique id when omitted (but required for pipeline input).</summary>
    /// <remarks>Not validated at binding: an empty id (an empty CSV cell) gets the module's OrderIdMissing error for its row.</remarks>
    [Parameter(ParameterSetName = EventSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string? OrderId { get; set; }

    /// <summary>Order status, e.g. PENDING or FAILED; default PENDING.</summary>
    /// <remarks>Not validated at binding: an empty status (an empty CSV cell) gets the module's StatusMissing error for its row.</remarks>
    [Parameter(ParameterSetName = EventSet, ValueFromPipelineByPropertyName = true)]
    [OrderStatusTransformation]
    [ArgumentCompleter(typeof(OrderStatusCompleter))]
    [AllowNull]
    [AllowEmptyString]
    public string? Status { get; set; } = "PENDING";

    /// <summary>Epoch milliseconds (the table's sort key), 0 to the end of year 9999; default now.</summary>
    [Parameter(ParameterSetName = EventSet, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0L, MaxTimestamp)]
    public long? Timestamp { get; set; }

    /// <summary>Order amount: a number, or text in invariant notation (12.50); empty means no amount.</summary>
    /// <remarks>Taken raw: PowerShell's decimal conversion reads "12,50" as 1250 and an empty cell as 0.</remarks>
    [Parameter(ParameterSetName = EventSet, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public object? Amount { get; set; }

    /// <summary>Customer id; empty means none.</summary>
    [Parameter(ParameterSetName = EventSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string? CustomerId { get; set; }

    /// <summary>Extra attributes to store on the item: a hashtable or an object (e.g. from ConvertFrom-Json), nested values too.</summary>
    [Parameter(ParameterSetName = EventSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Attributes")]
    [AllowNull]
    public object? Attribute { get; set; }

    /// <summary>Generates this many realistic orders.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CountSet)]
    [ValidateRange(1, 1_000_000)]
    public int Count { get; set; }

    /// <summary>With -Count: the share of FAILED orders, in percent; default 10.</summary>
    [Parameter(ParameterSetName = CountSet)]
    [ValidateRange(0.0, 100.0)]
    public double FailedPercent { get; set; } = 10;

    /// <summary>Overwrites an order item that already exists (same order id and timestamp); without it such an event is not written.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Waits until each event's audit object exists and reports the latency.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: how long to wait for the audit objects; default 60 seconds.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Collects one event (pipeline input is validated row by row).</summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName == CountSet)
        {
            return;
        }

        // The row is checked first (no AWS call for a row that is refused), then the stack is resolved before the row
        // is taken: nothing is written for an unknown environment.
        _received++;
        if (ReadRow() is not { } row)
        {
            _rejected++;
            return;
        }

        var stack = CurrentStack();
        if (_bufferStack is not null && !ReferenceEquals(stack, _bufferStack))
        {
            Flush();
        }

        _bufferStack = stack;
        var now = DateTimeOffset.UtcNow;
        _buffer.Add(new OrderEvent
        {
            OrderId = string.IsNullOrEmpty(OrderId) ? OrderGenerator.NewOrderId(now) : OrderId!,
            Status = OrderStatus.Normalize(row.Status),
            Timestamp = Timestamp ?? now.ToUnixTimeMilliseconds(),
            Amount = row.Amount,
            CustomerId = string.IsNullOrEmpty(CustomerId) ? null : CustomerId,
            Attributes = row.Attributes,
        });
        if (_buffer.Count >= FlushThreshold)
        {
            Flush();
        }
    }

    /// <summary>Writes what is left (or the generated orders) and says how many input rows were skipped.</summary>
    protected override void EndProcessing()
    {
        if (ParameterSetName == CountSet)
        {
            _bufferStack = CurrentStack();
            _buffer.AddRange(new OrderGenerator().Generate(Count, FailedPercent, DateTimeOffset.UtcNow));
        }

        Flush();
        if (_rejected > 0 || (_notWritten > 0 && _received > 0))
        {
            WriteWarning($"{_rejected + _notWritten} of {_received} input object(s) were not written (see the errors above); the others were.");
        }
    }

    private void Flush()
    {
        if (_buffer.Count == 0 || _bufferStack is null)
        {
            return;
        }

        var events = _buffer.ToArray();
        _buffer.Clear();
        var stack = _bufferStack;
        // Writing orders feeds the processor: audit objects follow, and FAILED orders publish alerts to subscribers.
        if (!Confirmation.ShouldProcess(this, stack.TableName, $"Write {events.Length} order event(s) (the processor audits them; FAILED ones publish alerts)", out _))
        {
            return;
        }

        SendOutcome? outcome = null;
        Guard(() => outcome = RunAsync((reporter, token) => WriteAsync(stack, events, reporter, token)));

        // What was written is output before any error about the rest, so a script keeps the results it can trust.
        foreach (var result in outcome!.Results)
        {
            WriteObject(result);
        }

        _notWritten += outcome.NotWritten;
        foreach (var error in outcome.Errors)
        {
            WriteError(ErrorRecordFactory.Create(error, ErrorTarget));
        }
    }

    private async Task<SendOutcome> WriteAsync(OrderStackResources stack, IReadOnlyList<OrderEvent> events, IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        var writer = Orders.Writer();
        var waiter = Orders.Waiter();
        var errors = new List<Exception>();
        var existing = Array.Empty<OrderEvent>() as IReadOnlyList<OrderEvent>;
        if (!Force)
        {
            (events, existing) = await ExistingOrders.SplitAsync(Orders.Table, stack.TableName, events, cancellationToken).ConfigureAwait(false);
            if (existing.Count > 0)
            {
                errors.Add(ExistingOrders.Error(stack.TableName, existing));
            }
        }

        // Without -Wait each result streams out as soon as it (and every event before it) is stored, so a stopped run
        // keeps what it wrote; with -Wait a result needs its audit object first.
        Action<OrderEvent>? stream = Wait ? null : e => reporter.Output(ToResult(e, stack, null));
        var writeStarted = waiter.Time.GetTimestamp();
        var written = await writer.WriteAsync(stack.TableName, events, reporter, cancellationToken, stream).ConfigureAwait(false);
        reporter.Verbose($"Wrote {written.Written.Count} of {events.Count} order event(s) to {stack.TableName}.");
        if (!written.IsComplete)
        {
            errors.Add(written.ToError(stack.TableName));
        }

        if (!Wait || written.Written.Count == 0)
        {
            return new SendOutcome(Array.Empty<OrderEventResult>(), errors, written.NotWritten.Count + existing.Count);
        }

        var arrivals = await waiter
            .WaitAsync(stack.AuditBucketName, written.Written, writeStarted, TimeSpan.FromSeconds(TimeoutSeconds), reporter, cancellationToken).ConfigureAwait(false);
        var results = written.Written.Select((e, i) => (Event: e, Arrival: arrivals[i])).Where(x => x.Arrival is not null)
            .Select(x => ToResult(x.Event, stack, x.Arrival)).ToList();
        var missing = written.Written.Where((_, i) => arrivals[i] is null).ToList();
        if (missing.Count > 0)
        {
            errors.Add(AuditTimeout(written.Written.Count, missing));
        }

        return new SendOutcome(results, errors, written.NotWritten.Count + existing.Count);
    }

    private OrderMonitoringException AuditTimeout(int writtenCount, IReadOnlyList<OrderEvent> missing)
    {
        const int named = 5;
        var names = string.Join(", ", missing.Take(named).Select(e => $"'{e.OrderId}' (timestamp {e.Timestamp})"));
        var more = missing.Count > named ? $" and {missing.Count - named} more" : "";
        return new OrderMonitoringException("AuditTimeout", FailureKind.Timeout,
            $"{writtenCount} event(s) were written, but for {missing.Count} of them the audit object did not appear within {TimeoutSeconds} s: order {names}{more}. "
            + $"The {writtenCount - missing.Count} that were audited are in the output.",
            "Check that the processor runs: Get-OrderMonitoringStatus, or with -ProcessorTrigger External run Invoke-OrderEventProcessor -FromStream; or raise -TimeoutSeconds.");
    }

    /// <summary>
    /// This row's amount and attributes, or null after writing the row's error: nothing of a row that is refused is written.
    /// Errors name the row (its number in the input, and its order id when it has one).
    /// </summary>
    private OrderRow? ReadRow()
    {
        // An explicit empty -OrderId, or an empty cell, is refused rather than replaced by a generated id.
        if (string.IsNullOrWhiteSpace(OrderId) && (MyInvocation.ExpectingInput || MyInvocation.BoundParameters.ContainsKey(nameof(OrderId))))
        {
            WriteError(ErrorRecordFactory.Validation("OrderIdMissing",
                $"{RowName()} has no OrderId (the property is missing or empty), so it was not written.", null,
                "Give every input row an OrderId column or property with a value (e.g. a CSV header 'OrderId,Status,Amount')."));
            return null;
        }

        if (string.IsNullOrWhiteSpace(Status))
        {
            WriteError(ErrorRecordFactory.Validation("StatusMissing",
                $"{RowName()} has no Status (the property is empty or blank), so it was not written.", OrderId,
                "Give every input row a Status such as PENDING or FAILED, or leave the column out for PENDING."));
            return null;
        }

        if (_unknownStatusesWarned.Add(Status!.Trim()) && KnownOrderStatuses.WarningFor(Status, "It is written as given") is { } unknown)
        {
            WriteWarning(unknown);
        }

        decimal? amount;
        try
        {
            amount = InputValues.ReadAmount(Amount);
        }
        catch (FormatException invalid)
        {
            WriteError(ErrorRecordFactory.Validation("AmountInvalid", $"{RowName()}: {invalid.Message} It was not written.", OrderId,
                "Write amounts with '.' as the decimal point and no thousands separators (12.50), or leave the cell empty for no amount."));
            return null;
        }

        try
        {
            var attributes = InputValues.ReadAttributes(Attribute);
            foreach (var attribute in attributes)
            {
                // Validates name and value now, so a bad one is reported for its row instead of failing a whole batch later.
                OrderItem.ValidateExtraAttribute(attribute.Key, attribute.Value);
            }

            return new OrderRow(Status!, amount, attributes);
        }
        catch (ArgumentException invalid)
        {
            WriteError(ErrorRecordFactory.Validation("AttributeInvalid", $"{RowName()}: {invalid.Message} It was not written.", OrderId,
                "Correct -Attribute: use -Status, -Amount and -CustomerId for the item's own attributes, and finite numbers."));
            return null;
        }
    }

    // "Input object 3 (order 'ORD-1')" for pipeline input, "Order 'ORD-1'" for parameters.
    private string RowName()
    {
        var order = string.IsNullOrWhiteSpace(OrderId) ? null : $"order '{OrderId}'";
        if (MyInvocation.ExpectingInput)
        {
            return order is null ? $"Input object {_received}" : $"Input object {_received} ({order})";
        }

        return order is null ? "The order" : char.ToUpperInvariant(order[0]) + order.Substring(1);
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

    // The results to output (written, and with -Wait audited), the errors to report after them, and how many events were not written.
    private sealed record OrderRow(string Status, decimal? Amount, Dictionary<string, object?> Attributes);

    private sealed record SendOutcome(IReadOnlyList<OrderEventResult> Results, IReadOnlyList<Exception> Errors, int NotWritten);
}
