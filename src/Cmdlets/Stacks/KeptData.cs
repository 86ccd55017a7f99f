using OrderMonitoring.Cmdlets.Foundation;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// Data a stack removal keeps unless asked otherwise: the order table and the retained buckets. Deleting one cannot be
/// undone, so each is asked about on its own.
/// </summary>
/// <param name="Description">What it is, for messages ("order table", "audit bucket").</param>
/// <param name="Name">The table's or bucket's name.</param>
/// <param name="IsTable">The order table (else a bucket).</param>
internal sealed record KeptData(string Description, string Name, bool IsTable)
{
    /// <summary>What deleting it does, for the question and the -WhatIf line.</summary>
    public string Action => IsTable
        ? $"Delete the order table {Name} with every order in it, turning its deletion protection off (cannot be undone)"
        : $"Delete every version of every object in {Name} and the bucket itself (cannot be undone)";

    public static KeptData Table(string name) => new("order table", name, IsTable: true);

    public static KeptData Bucket(string description, string name) => new($"{description} bucket", name, IsTable: false);

    /// <summary>The stack's order table (with <paramref name="table"/>) and its buckets (with <paramref name="buckets"/>), as far as it names them.</summary>
    public static IReadOnlyList<KeptData> Of(OrderMonitoring.Stack stack, bool table, bool buckets)
    {
        var data = new List<KeptData>();
        if (table && stack.TableName is { } tableName)
        {
            data.Add(Table(tableName));
        }

        if (buckets)
        {
            if (stack.AuditBucketName is { } audit)
            {
                data.Add(Bucket(RetainedBucket.Audit.Description, audit));
            }

            if (stack.FailedBatchesBucketName is { } failedBatches)
            {
                data.Add(Bucket(RetainedBucket.FailedBatches.Description, failedBatches));
            }
        }

        return data;
    }

    /// <summary>
    /// Whether deleting the stack keeps its order table: true for every stack of the template that has the
    /// OrderTableSource parameter (the table is Retain, or not the stack's at all). A stack deployed with an earlier
    /// template deletes its table with it.
    /// </summary>
    public static bool KeepsTable(CfnStack stack) =>
        stack.Parameters.Any(p => p.ParameterKey == TemplateContract.Parameters.OrderTableSource);

    public static OrderMonitoringException TableWouldGo(string stackName, string? table) =>
        new("StackDeletesOrderTable", FailureKind.InvalidState,
            $"Stack {stackName} was deployed with an earlier template, which deletes the order table {table ?? "of the stack"} and every order in it together with the stack. Nothing was removed.",
            "Run New-OrderMonitoringStack for the environment first (the current template keeps the table when the stack goes), then remove it; or pass -DeleteOrderTable if the orders may go.");
}
