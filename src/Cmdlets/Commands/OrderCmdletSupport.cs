using System.Collections;
using System.Management.Automation;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Orders;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>What the order cmdlets share: finding the stack, and turning PowerShell values into plain ones.</summary>
internal static class OrderCmdletSupport
{
    /// <summary>The stack's resources (StackNotFound / StackNotReady / StackOutputMissing otherwise).</summary>
    public static async Task<OrderStackResources> ResolveStackAsync(AwsClientFactory clients, string stackName, string environment, CancellationToken cancellationToken)
    {
        using var services = new Stacks.StackServices(clients);
        return await new CloudFormationStackResolver(services.Reader).ResolveAsync(stackName, environment, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The stack for the current record, resolved once per stack name. -Environment may come from the pipeline, so it is
    /// only known in ProcessRecord, not in BeginProcessing.
    /// </summary>
    public static OrderStackResources StackFor(Dictionary<string, OrderStackResources> cache, string stackName, string environment,
        Func<Func<Shell.IOperationReporter, CancellationToken, Task<OrderStackResources>>, OrderStackResources> run, AwsClientFactory clients)
    {
        if (!cache.TryGetValue(stackName, out var stack))
        {
            stack = run((_, token) => ResolveStackAsync(clients, stackName, environment, token));
            cache[stackName] = stack;
        }

        return stack;
    }

    /// <summary>The -Attribute hashtable with PowerShell wrappers removed (nested hashtables and lists too).</summary>
    public static Dictionary<string, object?> ToAttributes(Hashtable? attributes)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (attributes is null)
        {
            return result;
        }

        foreach (DictionaryEntry entry in attributes)
        {
            var name = entry.Key?.ToString();
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("An attribute name must not be empty.");
            }

            var value = Unwrap(entry.Value);
            // Validates name and value now, so a bad one is reported for its row instead of failing a whole batch later.
            OrderItem.ValidateExtraAttribute(name!, value);
            result[name!] = value;
        }

        return result;
    }

    /// <summary>The output object for a written event.</summary>
    public static OrderEventResult ToResult(OrderEvent orderEvent, OrderStackResources stack, AuditArrival? arrival) => new()
    {
        OrderId = orderEvent.OrderId,
        Timestamp = orderEvent.Timestamp,
        Status = orderEvent.Status,
        TableName = stack.TableName,
        Environment = stack.Environment,
        AuditKey = arrival?.Key,
        AuditLatency = arrival?.Latency,
    };

    private static object? Unwrap(object? value)
    {
        value = value is PSObject wrapped ? wrapped.BaseObject : value;
        return value switch
        {
            IDictionary map => map.Cast<DictionaryEntry>().ToDictionary(e => e.Key?.ToString() ?? "", e => Unwrap(e.Value)),
            string text => text,
            IEnumerable list => list.Cast<object?>().Select(Unwrap).ToList(),
            _ => value,
        };
    }
}
