using OrderMonitoring.Cmdlets.FailedBatches;

namespace OrderMonitoring.Cmdlets.Tests.FailedBatches;

/// <summary>The whole backlog of a replayer's source, each batch read and checked: what a test inspects before and after a replay.</summary>
internal static class ReplayerPlan
{
    public static async Task<IReadOnlyList<PendingFailedBatch>> PlanAsync(this FailedBatchReplayer replayer, CancellationToken cancellationToken)
    {
        var pending = new List<PendingFailedBatch>();
        string? next = null;
        do
        {
            var page = await replayer.Source.ListPendingPageAsync(next, cancellationToken);
            foreach (var key in page.Keys)
            {
                pending.Add(await replayer.ReadPendingAsync(key, cancellationToken));
            }

            next = page.Next;
        }
        while (next is not null);

        return pending;
    }
}
