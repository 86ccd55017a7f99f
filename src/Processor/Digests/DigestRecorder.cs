using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Storage;

namespace OrderMonitoring.Processor.Digests;

/// <summary>
/// Writes one digest per batch of a processor: begins a <see cref="BatchDigest"/> for each batch, signs with the
/// <see cref="IDigestSigner"/> (one Sign per batch; a second only when some writes failed), and never lets signing
/// stop auditing: when there is no signer or it fails, the digest is written unsigned and a warning names it.
/// </summary>
public sealed class DigestRecorder
{
    private readonly IAuditStore _store;
    private readonly IDigestSigner? _signer;
    private readonly string _unsignedReason;
    private readonly ProcessorLog _log;
    private readonly TimeSpan _attemptTimeout;
    private readonly string _environment;
    private readonly TimeProvider _time;

    /// <param name="store">Where digests are written (the audit bucket).</param>
    /// <param name="signer">The signing key; null writes every digest unsigned with <paramref name="unsignedReason"/>.</param>
    /// <param name="unsignedReason">Why there is no signer (e.g. no key configured).</param>
    /// <param name="chain">The chain this processor's digests form.</param>
    /// <param name="log">The processor's log.</param>
    /// <param name="options">Environment, attempt timeout and clock of the processor.</param>
    public DigestRecorder(IAuditStore store, IDigestSigner? signer, string? unsignedReason, DigestChain chain, ProcessorLog log, BatchProcessorOptions options)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _signer = signer;
        _unsignedReason = unsignedReason ?? "no signing key is configured";
        Chain = chain ?? throw new ArgumentNullException(nameof(chain));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _attemptTimeout = (options ?? throw new ArgumentNullException(nameof(options))).AttemptTimeout;
        _environment = options.Environment;
        _time = options.Time;
    }

    public DigestChain Chain { get; }

    /// <summary>
    /// Begins the batch's digest: hashes the documents the records will write and starts signing at once, so the
    /// signature is ready when the writes end. <paramref name="writeWithRetry"/> is the handler's retry layer.
    /// </summary>
    public IBatchJournal Begin(IReadOnlyList<StreamRecord> records, IReadOnlyList<ReadOutcome> outcomes,
        Func<Func<CancellationToken, Task>, CancellationToken, Task> writeWithRetry, CancellationToken cancellationToken)
    {
        if (outcomes is null || outcomes.Count == 0)
        {
            return NoBatchJournal.Instance;
        }

        var template = new DigestDocument
        {
            Chain = Chain.Id,
            Environment = _environment,
            StreamArn = records?.Select(record => record?.EventSourceArn).FirstOrDefault(arn => !string.IsNullOrEmpty(arn)),
            WrittenAt = _time.GetUtcNow(),
        };
        return new BatchDigest(this, template, outcomes, Chain.Reserve(), writeWithRetry, cancellationToken);
    }

    internal Task PutAsync(DigestDocument digest, string json, CancellationToken cancellationToken) => _store.PutAsync(digest.Key, json, cancellationToken);

    /// <summary>The digest signed, or marked unsigned with the reason; never throws for the signer's failure.</summary>
    internal async Task<DigestDocument> SignAsync(DigestDocument digest, CancellationToken cancellationToken)
    {
        var unsigned = digest with { Signature = null, Unsigned = null };
        // One attempt, bounded like every call of the batch: a slow or throttled KMS makes an unsigned digest, not a late batch.
        var signed = await SigningAttempt.SignAsync(_signer, _unsignedReason, unsigned.SigningMessage(), _attemptTimeout, cancellationToken).ConfigureAwait(false);
        return unsigned with { Signature = signed.Signature, Unsigned = signed.Unsigned };
    }

    internal void Log(ProcessorLogLevel level, string message, params (string Name, object? Value)[] fields) => _log.Log(level, message, fields);
}
