using Amazon.Runtime;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// Deletes a kept order table, which only ever happens after its own confirmation: turns deletion protection off,
/// deletes the table and waits until DynamoDB no longer knows it (so a deploy right after creates a new one).
/// </summary>
internal sealed class OrderTableEraser
{
    public const string ErrorId = "OrderTableDeletionFailed";

    private readonly IOrderTableClient _tables;
    private readonly PollTiming _timing;

    public OrderTableEraser(IOrderTableClient tables, PollTiming timing)
    {
        _tables = tables;
        _timing = timing;
    }

    /// <summary>Deletes <paramref name="table"/>; a table that does not exist is already deleted.</summary>
    public async Task EraseAsync(string table, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var deadline = _timing.Now() + timeout;
        try
        {
            var state = await WaitWhileChangingAsync(table, deadline, reporter, cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                reporter.Verbose($"The order table {table} does not exist; nothing to delete.");
                return;
            }

            if (state.DeletionProtection)
            {
                reporter.Verbose($"Turning deletion protection off on {table} to delete it.");
                await _tables.DisableDeletionProtectionAsync(table, cancellationToken).ConfigureAwait(false);
                await WaitWhileChangingAsync(table, deadline, reporter, cancellationToken).ConfigureAwait(false);
            }

            if (await _tables.DeleteAsync(table, cancellationToken).ConfigureAwait(false))
            {
                while (await _tables.DescribeAsync(table, cancellationToken).ConfigureAwait(false) is not null)
                {
                    Report(reporter, table, "DELETING", deadline);
                    await _timing.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            reporter.Progress(new OperationProgress(3, $"Deleting the order table {table}", "done", Completed: true));
            reporter.Verbose($"Deleted the order table {table} and every order in it.");
        }
        catch (AmazonServiceException error)
        {
            throw new OrderMonitoringException(ErrorId, FailureKind.OperationFailed,
                $"Deleting the order table {table} failed: {error.ErrorCode} {error.Message}",
                "Fix the cause (permissions: dynamodb:UpdateTable and dynamodb:DeleteTable), then run Remove-OrderMonitoringStack -DeleteOrderTable again.", error);
        }
    }

    /// <summary>The table once it is neither being created nor updated (DeleteTable refuses both), or null when it is gone.</summary>
    private async Task<OrderTableState?> WaitWhileChangingAsync(string table, DateTimeOffset deadline, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        while (true)
        {
            var state = await _tables.DescribeAsync(table, cancellationToken).ConfigureAwait(false);
            if (state is null || state.Status is not ("CREATING" or "UPDATING" or "DELETING"))
            {
                return state;
            }

            Report(reporter, table, state.Status, deadline);
            await _timing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Report(IOperationReporter reporter, string table, string status, DateTimeOffset deadline)
    {
        if (_timing.Now() > deadline)
        {
            throw new OrderMonitoringException(ErrorId, FailureKind.Timeout, $"The order table {table} was still {status} when the time ran out.",
                "Run Remove-OrderMonitoringStack -DeleteOrderTable again later (or with a larger -TimeoutSeconds); it continues where it stopped.");
        }

        reporter.Progress(new OperationProgress(3, $"Deleting the order table {table}", status));
    }
}
