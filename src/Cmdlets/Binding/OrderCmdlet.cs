using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Cmdlets.Orders;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// Base of the cmdlets that work with a deployed stack's orders: the <see cref="OrderServices"/> of the invocation
/// and the stack of the current record.
/// </summary>
public abstract class OrderCmdlet : EnvironmentCmdlet
{
    private readonly Dictionary<string, OrderStackResources> _stacks = new(StringComparer.Ordinal);
    private OrderServices? _services;
    private AuditLogServices? _auditLog;

    private protected OrderServices Orders => _services ??= new OrderServices(ClientFactory);

    /// <summary>The audit log over the same clients as <see cref="Orders"/>.</summary>
    private protected AuditLogServices AuditLog => _auditLog ??= new AuditLogServices(Orders);

    /// <summary>
    /// The stack for the current record, resolved once per stack name (a terminating error when it is unusable).
    /// -Environment may come from the pipeline, so it is only known in ProcessRecord, not in BeginProcessing.
    /// </summary>
    private protected OrderStackResources CurrentStack()
    {
        var stackName = ResolvedStackName;
        if (!_stacks.TryGetValue(stackName, out var stack))
        {
            var environment = Environment;
            Guard(() => stack = RunAsync((_, token) => Orders.ResolveStackAsync(stackName, environment, token)));
            _stacks[stackName] = stack!;
        }

        return stack!;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _services?.Dispose();
        }

        base.Dispose(disposing);
    }
}
