namespace OrderMonitoring.Cmdlets.FailedBatches.LegacyQueue;

/// <summary>One message of the failure queue as received: its body and the handle that deletes or releases it.</summary>
internal sealed record QueuedFailure(string MessageId, string Body, string ReceiptHandle, DateTimeOffset? SentAt);

/// <summary>The few failure-queue calls the replay needs (SQS behind a small interface).</summary>
internal interface IFailureQueueClient
{
    string QueueUrl { get; }

    /// <summary>Up to ten messages, hidden from other readers for <paramref name="hold"/>; none when the queue is empty.</summary>
    Task<IReadOnlyList<QueuedFailure>> ReceiveAsync(TimeSpan hold, CancellationToken cancellationToken);

    Task DeleteAsync(string receiptHandle, CancellationToken cancellationToken);

    /// <summary>Makes a received message visible again at once.</summary>
    Task ReleaseAsync(string receiptHandle, CancellationToken cancellationToken);
}

/// <summary>
/// The failure queue of a stack deployed before failed batches went to S3 (and of the local run on such a stack) as a
/// source of failed batches: each message is Lambda's on-failure document without a payload (DDBStreamBatchInfo only),
/// so its records are read back from the stream. Listing receives every message and holds it (hidden from other
/// readers) for <see cref="Hold"/>; a replayed message is deleted, every other one is released by
/// <see cref="ReleaseAsync"/> (or comes back by itself when the hold ends).
/// </summary>
internal sealed class FailureQueueBatches : IFailedBatchSource
{
    /// <summary>Long enough to confirm and replay every batch of one run; short enough that a crashed run's messages return soon.</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromMinutes(15);

    /// <summary>One run takes at most this many messages; the rest wait for the next run.</summary>
    public const int MaxMessagesPerRun = 1000;

    private readonly IFailureQueueClient _queue;
    private readonly Dictionary<string, QueuedFailure> _held = new(StringComparer.Ordinal);

    public FailureQueueBatches(IFailureQueueClient queue) => _queue = queue;

    public string Location => _queue.QueueUrl;

    /// <summary>True when the run stopped receiving at <see cref="MaxMessagesPerRun"/>: more messages may wait.</summary>
    public bool MoreMayWait { get; private set; }

    public string WhenReplayed => "delete its message from the failure queue";

    public string SourceOf(string key) => $"{_queue.QueueUrl} (message {key})";

    /// <summary>
    /// One page: receives until the queue answers nothing (or the run's limit); the held messages, oldest sent first.
    /// The messages must be held until the run ends anyway (their receipt handles release them), and they carry only
    /// the range (no records), so the run's limit bounds the memory.
    /// </summary>
    public async Task<PendingPage> ListPendingPageAsync(string? next, CancellationToken cancellationToken)
    {
        while (_held.Count < MaxMessagesPerRun)
        {
            var received = await _queue.ReceiveAsync(Hold, cancellationToken).ConfigureAwait(false);
            if (received.Count == 0)
            {
                break;
            }

            // A standard queue can deliver a message twice: the newest receipt handle is the one that deletes it.
            foreach (var message in received)
            {
                _held[message.MessageId] = message;
            }
        }

        MoreMayWait = _held.Count >= MaxMessagesPerRun;
        return new PendingPage(_held.Values.OrderBy(message => message.SentAt ?? DateTimeOffset.MinValue).ThenBy(message => message.MessageId, StringComparer.Ordinal)
            .Select(message => message.MessageId).ToList(), Next: null);
    }

    public Task<string> ReadAsync(string key, CancellationToken cancellationToken) => Task.FromResult(Held(key).Body);

    /// <summary>Deletes the message: its records are audited, so the range is no longer needed.</summary>
    public async Task MarkReplayedAsync(string key, string note, CancellationToken cancellationToken)
    {
        await _queue.DeleteAsync(Held(key).ReceiptHandle, cancellationToken).ConfigureAwait(false);
        _held.Remove(key);
    }

    /// <summary>Makes every message not replayed visible again; returns the ones that could not be released (they return when the hold ends).</summary>
    public async Task<IReadOnlyList<string>> ReleaseAsync(CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var message in _held.Values.ToList())
        {
            try
            {
                await _queue.ReleaseAsync(message.ReceiptHandle, cancellationToken).ConfigureAwait(false);
                _held.Remove(message.MessageId);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                failed.Add($"{message.MessageId}: {error.Message}");
            }
        }

        return failed;
    }

    private QueuedFailure Held(string key) =>
        _held.TryGetValue(key, out var message) ? message : throw new InvalidOperationException($"Message {key} was not received by this run.");
}
