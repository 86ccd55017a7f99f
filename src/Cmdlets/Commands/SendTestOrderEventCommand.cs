using System.Management.Automation;
using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Orders;
using OrderMonitoring.Cmdlets.Stacks;

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
        var now = Time.GetUtcNow();
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
            _buffer.AddRange(new OrderGenerator().Generate(Count, FailedPercent, Time.GetUtcNow()));
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

        var (sender, wait) = (AuditLog.Sender(), Wait ? TimeSpan.FromSeconds(TimeoutSeconds) : (TimeSpan?)null);
        SendOutcome? outcome = null;
        Guard(() => outcome = RunAsync((reporter, token) => sender.SendAsync(stack, events, wait, Force, reporter, token)));

        // What was written is output before any error about the rest, so a script keeps the results it can trust
        // (without -Wait the sender has streamed them already).
        WriteObject(outcome!.Results, enumerateCollection: true);

        _notWritten += outcome.NotWritten;
        foreach (var error in outcome.Errors)
        {
            WriteError(ErrorRecordFactory.Create(error, ErrorTarget));
        }
    }

    /// <summary>This row's status, amount and attributes, or null after writing the row's error (see <see cref="OrderRows"/>).</summary>
    private OrderRow? ReadRow()
    {
        var idGiven = MyInvocation.ExpectingInput || MyInvocation.BoundParameters.ContainsKey(nameof(OrderId));
        var (row, error) = OrderRows.Read(OrderId, idGiven, Status, Amount, Attribute, RowName());
        if (error is not null)
        {
            WriteError(error);
        }

        // A status outside the known set is written as given, with a word: once per status, not once per row.
        if (row is not null && _unknownStatusesWarned.Add(row.Status.Trim()) && KnownOrderStatuses.WarningFor(row.Status, "It is written as given") is { } unknown)
        {
            WriteWarning(unknown);
        }

        return row;
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

}
