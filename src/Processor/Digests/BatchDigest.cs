using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;

namespace OrderMonitoring.Processor.Digests;

/// <summary>
/// One batch's digest. The documents' hashes are known before any write, so signing the digest of every planned object
/// starts at once and overlaps the writes; when the last record has ended, the digest of what was actually written is
/// stored (overlapping the last alerts). When some writes failed, the digest lists only the objects written and is
/// signed again: the one extra round trip, on the failure path only.
/// </summary>
internal sealed class BatchDigest : IBatchJournal
{
    private const int Unresolved = 0;
    private const int WasWritten = 1;
    private const int WasNotWritten = 2;

    private readonly DigestRecorder _recorder;
    private readonly Dictionary<ReadOutcome, int> _indexOf = new();
    private readonly DigestEntry?[] _planned;
    private readonly int[] _states;
    private readonly (long Position, Task<DigestLink?> Previous, TaskCompletionSource<DigestLink?> Mine) _slot;
    private readonly Func<Func<CancellationToken, Task>, CancellationToken, Task> _writeWithRetry;
    private readonly CancellationToken _cancellationToken;
    private readonly Task<DigestDocument> _signing;
    private readonly TaskCompletionSource<Task<bool>> _finishing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;

    public BatchDigest(DigestRecorder recorder, DigestDocument template, IReadOnlyList<ReadOutcome> outcomes,
        (long Position, Task<DigestLink?> Previous, TaskCompletionSource<DigestLink?> Mine) slot,
        Func<Func<CancellationToken, Task>, CancellationToken, Task> writeWithRetry, CancellationToken cancellationToken)
    {
        _recorder = recorder;
        _slot = slot;
        _writeWithRetry = writeWithRetry;
        _cancellationToken = cancellationToken;
        _planned = new DigestEntry?[outcomes.Count];
        _states = new int[outcomes.Count];
        _remaining = outcomes.Count;
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            _indexOf[outcome] = i;
            try
            {
                _planned[i] = new DigestEntry(outcome.Key, Sha256Hex.Of(outcome.Utf8Json), outcome.SequenceNumber, outcome.EventId);
            }
            catch (Exception unwritable) when (unwritable is ArgumentException or InvalidOperationException or FormatException)
            {
                // A document that cannot be serialised cannot be written either: its record fails in the handler, the
                // rest of the batch (and its digest) goes on.
                _states[i] = WasNotWritten;
                _remaining--;
            }
        }

        var planned = template with { Position = slot.Position, Objects = _planned.Where(entry => entry is not null).Select(entry => entry!).ToList() };
        DigestKey = planned.Key;
        _signing = SignAfterPreviousAsync(planned);
        if (_remaining == 0)
        {
            _finishing.TrySetResult(FinishAsync());
        }
    }

    public string? DigestKey { get; }

    public void Written(ReadOutcome outcome) => Resolve(outcome, WasWritten);

    public void NotWritten(ReadOutcome outcome) => Resolve(outcome, WasNotWritten);

    public async Task<bool> CompleteAsync(CancellationToken cancellationToken)
    {
        // Every record has ended by now; any the caller did not report were not written.
        for (var i = 0; i < _states.Length; i++)
        {
            if (Volatile.Read(ref _states[i]) == Unresolved)
            {
                Resolve(i, WasNotWritten);
            }
        }

        var finishing = await _finishing.Task.ConfigureAwait(false);
        return await finishing.ConfigureAwait(false);
    }

    public void Dispose()
    {
        // A batch ended early (cancelled) writes no digest: the chain goes on from the previous one.
        if (!_finishing.Task.IsCompleted)
        {
            _ = _slot.Previous.ContinueWith(previous => _slot.Mine.TrySetResult(previous.Result), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Resolve(ReadOutcome outcome, int state)
    {
        if (outcome is not null && _indexOf.TryGetValue(outcome, out var index))
        {
            Resolve(index, state);
        }
    }

    private void Resolve(int index, int state)
    {
        if (Interlocked.CompareExchange(ref _states[index], state, Unresolved) == Unresolved && Interlocked.Decrement(ref _remaining) == 0)
        {
            _finishing.TrySetResult(FinishAsync());
        }
    }

    private async Task<DigestDocument> SignAfterPreviousAsync(DigestDocument planned)
    {
        // The previous digest's link is known in memory once its batch finished (at once for batches run one after another).
        var previous = await _slot.Previous.ConfigureAwait(false);
        return await _recorder.SignAsync(planned with { Previous = previous }, _cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> FinishAsync()
    {
        DigestDocument? digest = null;
        try
        {
            var signed = await _signing.ConfigureAwait(false);
            var written = Enumerable.Range(0, _planned.Length).Where(i => Volatile.Read(ref _states[i]) == WasWritten).Select(i => _planned[i]!).ToList();
            if (written.Count == 0)
            {
                _slot.Mine.TrySetResult(signed.Previous);
                return true;
            }

            digest = written.Count == signed.Objects.Count ? signed : await _recorder.SignAsync(signed with { Objects = written }, _cancellationToken).ConfigureAwait(false);
            var json = digest.ToJson();
            var stored = digest;
            await _writeWithRetry(ct => _recorder.PutAsync(stored, json, ct), _cancellationToken).ConfigureAwait(false);
            _slot.Mine.TrySetResult(new DigestLink(digest.Key, Sha256Hex.Of(JsonOutput.Utf8.GetBytes(json))));
            if (digest.Unsigned is { } reason)
            {
                _recorder.Log(ProcessorLogLevel.Warn, "Digest written unsigned; the next signed digest of its chain seals it",
                    ("digestKey", digest.Key), ("objects", written.Count), ("reason", reason));
            }
            else
            {
                _recorder.Log(ProcessorLogLevel.Debug, "Digest written", ("digestKey", digest.Key), ("objects", written.Count), ("resigned", !ReferenceEquals(digest, signed)));
            }

            return true;
        }
        catch (Exception error)
        {
            _ = _slot.Previous.ContinueWith(previous => _slot.Mine.TrySetResult(previous.Result), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _recorder.Log(ProcessorLogLevel.Error, "Digest not written; the batch's written records are reported for retry",
                ("digestKey", digest?.Key), ("errorType", error.GetType().Name), ("error", error.Message));
            return false;
        }
    }
}
