using System.Management.Automation;
using OrderMonitoring.Cmdlets.Completion;
using OrderMonitoring.Cmdlets.Infrastructure;
using OrderMonitoring.Cmdlets.Model.Orders;
using OrderMonitoring.Cmdlets.Services.Audit;
using OrderMonitoring.Cmdlets.Services.Orders;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Reads orders' audit history back from an order-monitoring stack's audit bucket.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "OrderAuditLog", DefaultParameterSetName = OrderIdSet)]
[OutputType(typeof(OrderAuditRecord), ParameterSetName = new[] { OrderIdSet, StatusSet })]
[OutputType(typeof(string))]
public sealed class GetOrderAuditLogCommand : EnvironmentCmdlet
{
    private const string OrderIdSet = "OrderId";
    private const string StatusSet = "Status";

    private readonly Dictionary<string, OrderStackResources> _stacks = new(StringComparer.Ordinal);

    /// <summary>One or more order ids.</summary>
    [Parameter(Mandatory = true, ParameterSetName = OrderIdSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] OrderId { get; set; } = Array.Empty<string>();

    /// <summary>Orders whose current status is this one.</summary>
    [Parameter(Mandatory = true, ParameterSetName = StatusSet)]
    [OrderStatusTransformation]
    [ArgumentCompleter(typeof(OrderStatusCompleter))]
    [ValidateNotNullOrEmpty]
    public string Status { get; set; } = "";

    /// <summary>With -Status: the earliest event time; default 24 hours before -Until.</summary>
    [Parameter(ParameterSetName = StatusSet)]
    public DateTime? Since { get; set; }

    /// <summary>With -Status: the latest event time; default now.</summary>
    [Parameter(ParameterSetName = StatusSet)]
    public DateTime? Until { get; set; }

    /// <summary>Also returns the orders' quarantined records.</summary>
    [Parameter]
    public SwitchParameter IncludeQuarantined { get; set; }

    /// <summary>Returns the stored JSON text instead of objects.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <summary>Checks the time range before anything is read.</summary>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (ParameterSetName == StatusSet && Since is { } since && Until is { } until && since > until)
        {
            ThrowTerminatingError(ErrorRecordFactory.Validation("TimeRangeInvalid", $"-Since ({since:o}) is after -Until ({until:o}).", null));
        }
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
                var entries = RunAsync((reporter, token) => ReadOrderAsync(stack, orderId, token));
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

    /// <summary>-Status: finds the orders through the status index, then writes their histories.</summary>
    protected override void EndProcessing()
    {
        if (ParameterSetName != StatusSet)
        {
            return;
        }

        var stack = CurrentStack();
        var until = Until is { } u ? ToOffset(u) : DateTimeOffset.UtcNow;
        var since = Since is { } s ? ToOffset(s) : until.AddDays(-1);
        Guard(() => RunAsync(async (reporter, token) =>
        {
            using var dynamoDb = ClientFactory.CreateDynamoDB();
            using var s3 = ClientFactory.CreateS3();
            var reader = new AuditLogReader(new S3AuditObjectStore(s3), new DynamoDbOrderTable(dynamoDb));
            var orders = await reader.FindOrdersByStatusAsync(stack.TableName, Status, since, until, token).ConfigureAwait(false);
            reporter.Verbose($"{orders.Count} order(s) are currently {Status} with an event between {since:o} and {until:o}.");
            var quarantine = IncludeQuarantined
                ? await reader.ReadQuarantineAsync(stack.AuditBucketName, new HashSet<string>(orders, StringComparer.Ordinal), token).ConfigureAwait(false)
                : Array.Empty<AuditEntry>();
            for (var i = 0; i < orders.Count; i++)
            {
                reporter.Progress(new OperationProgress(1, $"Reading audit logs of {Status} orders", $"{i} of {orders.Count} orders", i * 100 / orders.Count, orders[i]));
                var entries = await reader.ReadOrderAsync(stack.AuditBucketName, orders[i], !Raw, token).ConfigureAwait(false);
                foreach (var entry in entries.Concat(quarantine.Where(q => q.Record?.OrderId == orders[i])))
                {
                    reporter.Output(Raw ? entry.Json : entry.Record!);
                }
            }

            reporter.Progress(new OperationProgress(1, $"Reading audit logs of {Status} orders", "done", Completed: true));
        }));
    }

    private OrderStackResources CurrentStack()
    {
        OrderStackResources? stack = null;
        Guard(() => stack = OrderCmdletSupport.StackFor(_stacks, ResolvedStackName, Environment, RunAsync, ClientFactory));
        return stack!;
    }

    private async Task<IReadOnlyList<AuditEntry>> ReadOrderAsync(OrderStackResources stack, string orderId, CancellationToken token)
    {
        using var dynamoDb = ClientFactory.CreateDynamoDB();
        using var s3 = ClientFactory.CreateS3();
        var reader = new AuditLogReader(new S3AuditObjectStore(s3), new DynamoDbOrderTable(dynamoDb));
        var entries = await reader.ReadOrderAsync(stack.AuditBucketName, orderId, !Raw, token).ConfigureAwait(false);
        if (!IncludeQuarantined)
        {
            return entries;
        }

        var quarantined = await reader.ReadQuarantineAsync(stack.AuditBucketName, new HashSet<string>(StringComparer.Ordinal) { orderId }, token).ConfigureAwait(false);
        return entries.Concat(quarantined).ToList();
    }

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
