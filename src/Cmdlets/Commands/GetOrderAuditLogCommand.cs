using System.Management.Automation;
using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Orders;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Reads orders' audit history back from an order-monitoring stack's audit bucket.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "OrderAuditLog", DefaultParameterSetName = OrderIdSet)]
[OutputType(typeof(OrderAuditRecord), ParameterSetName = new[] { OrderIdSet, StatusSet })]
[OutputType(typeof(string))]
public sealed class GetOrderAuditLogCommand : OrderCmdlet
{
    private const string OrderIdSet = "OrderId";
    private const string StatusSet = "Status";

    private OrderHistory? _history;
    private DigestVerifier? _digestKey;
    private DigestVerifier? _repairKey;
    private DateTimeOffset _since;
    private DateTimeOffset _until;

    /// <summary>One or more order ids; from the pipeline as plain strings or by property name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = OrderIdSet, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [OrderIdTransformation]
    [ValidateNotNullOrEmpty]
    public string[] OrderId { get; set; } = Array.Empty<string>();

    /// <summary>Orders whose current status is this one (trimmed, any case; a blank one is refused).</summary>
    [Parameter(Mandatory = true, ParameterSetName = StatusSet)]
    [OrderStatusTransformation]
    [ArgumentCompleter(typeof(OrderStatusCompleter))]
    [ValidateOrderStatus]
    public string Status { get; set; } = "";

    /// <summary>With -Status: the earliest event time; default 24 hours before -Until.</summary>
    [Parameter(ParameterSetName = StatusSet)]
    public DateTime? Since { get; set; }

    /// <summary>With -Status: the latest event time; default now.</summary>
    [Parameter(ParameterSetName = StatusSet)]
    public DateTime? Until { get; set; }

    /// <summary>With -Status: at most this many orders (the first found); reading stops once they are found.</summary>
    [Parameter(ParameterSetName = StatusSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? First { get; set; }

    /// <summary>Also returns the orders' quarantined records.</summary>
    [Parameter]
    public SwitchParameter IncludeQuarantined { get; set; }

    /// <summary>Returns the stored JSON text instead of objects.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <summary>
    /// A PEM file with the digest signing key's public key (Export-OrderAuditSigningKey): marks each record's Integrity
    /// without any KMS permission (default: kms:GetPublicKey on the stack's DigestSigningKeyArn).
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PublicKeyPath { get; set; }

    /// <summary>A PEM file with the repair signing key's public key, so repaired records are marked Repaired (default: kms:GetPublicKey on the stack's RepairSigningKeyArn).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepairPublicKeyPath { get; set; }

    /// <summary>Reads the public-key files and checks the effective time range (defaults filled in) before anything is read.</summary>
    protected override void BeginProcessing()
    {
        // A file that is no public key ends the command before any order is read, not once per order.
        Guard(() =>
        {
            _digestKey = PublicKeyPath is null ? null : PublicKeyFile.Verifier(SessionState.Path.GetUnresolvedProviderPathFromPSPath(PublicKeyPath), "-PublicKeyPath");
            _repairKey = RepairPublicKeyPath is null ? null : PublicKeyFile.Verifier(SessionState.Path.GetUnresolvedProviderPathFromPSPath(RepairPublicKeyPath), "-RepairPublicKeyPath");
        });

        if (ParameterSetName == StatusSet)
        {
            // Only -Since in the future would otherwise reach DynamoDB as an invalid BETWEEN and come back as its error.
            _until = Until is { } until ? ToOffset(until) : Time.GetUtcNow();
            _since = Since is { } since ? ToOffset(since) : _until.AddDays(-1);
            if (_since > _until)
            {
                var untilText = Until is null ? $"now ({_until:o})" : $"-Until ({_until:o})";
                ThrowTerminatingError(ErrorRecordFactory.Validation("TimeRangeInvalid", $"-Since ({_since:o}) is after {untilText}.", null,
                    "Give a -Since before -Until (which defaults to now)."));
            }

            if (KnownOrderStatuses.WarningFor(Status, "It is searched for as given") is { } unknown)
            {
                WriteWarning(unknown);
            }
        }

        base.BeginProcessing();
    }

    /// <summary>Writes each order's history in event order.</summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName != OrderIdSet)
        {
            return;
        }

        var stack = CurrentStack();
        foreach (var orderId in OrderId.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var history = History;
                var entries = RunAsync((reporter, token) => history.ReadAsync(stack.AuditBucketName, orderId, !Raw, IncludeQuarantined, token, reporter));
                if (entries.Count == 0)
                {
                    WriteFailure(new OrderMonitoringException("AuditLogNotFound", FailureKind.NotFound,
                        $"There is no audit record for order '{orderId}' in {stack.AuditBucketName}.",
                        "Check the order id and -Environment; a new event is audited once the processor has handled it."), orderId);
                }

                Write(entries);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException and not RuntimeException)
            {
                WriteFailure(ex, orderId);
            }
        }
    }

    /// <summary>
    /// -Status: finds the orders through the status index and writes each one's history as soon as it is found, so output
    /// and progress start with the first index page and a downstream Select-Object -First stops the reading.
    /// </summary>
    protected override void EndProcessing()
    {
        if (ParameterSetName != StatusSet)
        {
            return;
        }

        var stack = CurrentStack();
        var (since, until, limit) = (_since, _until, First ?? int.MaxValue);
        Guard(() => RunAsync(async (reporter, token) =>
        {
            var history = History;
            var written = 0;
            var found = await history.Reader.FindOrdersByStatusAsync(stack.TableName, Status, since, until, async orderId =>
            {
                var entries = await history.ReadAsync(stack.AuditBucketName, orderId, !Raw, IncludeQuarantined, token, reporter).ConfigureAwait(false);
                foreach (var entry in entries)
                {
                    reporter.Output(Raw ? entry.Json : entry.Record!);
                }

                return ++written < limit;
            }, reporter, token).ConfigureAwait(false);
            reporter.Progress(new OperationProgress(1, $"Finding {OrderStatus.Normalize(Status)} orders", "done", Completed: true));
            var stopped = found >= limit ? $" (stopped at -First {limit})" : "";
            reporter.Verbose($"{found} order(s) are currently {Status} with an event between {since:o} and {until:o}{stopped}.");
            return found;
        }));
    }

    // Lives for the invocation, so the quarantine area is read once however many orders are asked for.
    private OrderHistory History => _history ??= new OrderHistory(AuditLog.Reader(), Raw ? null : AuditLog.Integrity(CurrentStack(), _digestKey, _repairKey));

    private void Write(IEnumerable<AuditEntry> entries)
    {
        foreach (var entry in entries)
        {
            WriteObject(Raw ? entry.Json : entry.Record);
        }
    }

    // PowerShell's Get-Date and typed-in dates are local time unless they say otherwise.
    private static DateTimeOffset ToOffset(DateTime value) =>
        value.Kind == DateTimeKind.Utc ? new DateTimeOffset(value) : new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Local));
}
