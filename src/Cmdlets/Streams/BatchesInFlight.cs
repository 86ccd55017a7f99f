using System.Runtime.ExceptionServices;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// The batches of one shard processed at once, so that the next batch starts while the slow orders and the digest of
/// the one before still finish. Three rules keep the one-batch-after-another meaning:
/// a record of an order waits until the earlier batches holding that order are done (retries and the failed-batch
/// path included), so one order's records still run in stream order; a batch's checkpoint is saved only after every
/// earlier batch of the shard is done and checkpointed, so the checkpoint never passes a record not done; and after a
/// batch failed, no further batch starts and no later checkpoint is saved.
/// </summary>
internal sealed class BatchesInFlight
{
    /// <summary>Processes part of a batch (the records in stream order); the flag says whether it may save an early checkpoint.</summary>
    public delegate Task ProcessPart(List<StreamRecord> records, Func<bool> mayCheckpointEarly);

    private readonly SemaphoreSlim _slots;
    private readonly Func<StreamRecord, string?> _orderOf;
    private readonly Dictionary<string, Task> _orderDone = new(StringComparer.Ordinal);
    private Task _settled = Task.CompletedTask;

    public BatchesInFlight(int limit, Func<StreamRecord, string?> orderOf)
    {
        _slots = new SemaphoreSlim(Math.Max(1, limit));
        _orderOf = orderOf;
    }

    /// <summary>
    /// Starts the batch as soon as fewer than the limit are in flight (called in stream order, from one reader).
    /// <paramref name="settle"/> runs once the batch and every earlier one are done: the checkpoint and progress.
    /// Throws an earlier batch's failure instead of starting this one.
    /// </summary>
    public async Task StartAsync(List<StreamRecord> batch, ProcessPart process, Action<StreamRecord> settle, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_settled.IsFaulted || _settled.IsCanceled)
        {
            _slots.Release();
            await _settled.ConfigureAwait(false);
        }

        ForgetFinishedOrders();
        var orders = new string?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            orders[i] = _orderOf(batch[i]);
        }

        var (free, held, heldBehind) = Split(batch, orders);
        var previous = _settled;
        var done = ProcessPartsAsync(free, held, heldBehind, previous, process);
        foreach (var order in orders)
        {
            if (order is not null)
            {
                _orderDone[order] = done;
            }
        }

        _settled = SettleAsync(done, previous, batch[batch.Count - 1], settle);
        _ = _settled.ContinueWith(static (_, slots) => ((SemaphoreSlim)slots!).Release(), _slots, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits until every batch started is settled; throws the first failure in stream order.</summary>
    public Task WhenSettledAsync() => _settled;

    // The records whose order is still being processed by an earlier batch wait for it; the others start now.
    private (List<StreamRecord> Free, List<StreamRecord> Held, List<Task> HeldBehind) Split(List<StreamRecord> batch, string?[] orders)
    {
        List<StreamRecord>? free = null;
        var held = new List<StreamRecord>();
        var heldBehind = new List<Task>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (orders[i] is { } order && _orderDone.TryGetValue(order, out var earlier))
            {
                free ??= batch.GetRange(0, i);
                held.Add(batch[i]);
                if (!heldBehind.Contains(earlier))
                {
                    heldBehind.Add(earlier);
                }
            }
            else
            {
                free?.Add(batch[i]);
            }
        }

        return (free ?? batch, held, heldBehind);
    }

    private static async Task ProcessPartsAsync(List<StreamRecord> free, List<StreamRecord> held, List<Task> heldBehind, Task previous, ProcessPart process)
    {
        // An early checkpoint (before a failed record, while retrying) is only exact when the batch runs whole and every
        // earlier batch is already checkpointed.
        var whole = held.Count == 0;
        var first = free.Count > 0 ? process(free, () => whole && previous.Status == TaskStatus.RanToCompletion) : Task.CompletedTask;
        var second = held.Count > 0 ? ProcessHeldAsync(held, heldBehind, process) : Task.CompletedTask;
        await Task.WhenAll(first, second).ConfigureAwait(false);
    }

    private static async Task ProcessHeldAsync(List<StreamRecord> held, List<Task> heldBehind, ProcessPart process)
    {
        // An earlier batch that failed ends the run: its order's later records must not overtake it.
        await Task.WhenAll(heldBehind).ConfigureAwait(false);
        await process(held, static () => false).ConfigureAwait(false);
    }

    private static async Task SettleAsync(Task done, Task previous, StreamRecord last, Action<StreamRecord> settle)
    {
        ExceptionDispatchInfo? own = null;
        try
        {
            await done.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            own = ExceptionDispatchInfo.Capture(error);
        }

        // An earlier batch's failure comes first in stream order; this batch's checkpoint never passes it.
        await previous.ConfigureAwait(false);
        own?.Throw();
        settle(last);
    }

    // Orders whose batch is done need no waiting any more; forgetting them keeps the map to the orders in flight.
    private void ForgetFinishedOrders()
    {
        if (_orderDone.Count == 0)
        {
            return;
        }

        List<string>? finished = null;
        foreach (var entry in _orderDone)
        {
            if (entry.Value.Status == TaskStatus.RanToCompletion)
            {
                (finished ??= []).Add(entry.Key);
            }
        }

        finished?.ForEach(order => _orderDone.Remove(order));
    }
}
