using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Storage;
using Polly;
using Polly.Retry;

namespace OrderMonitoring.Processor.Orders;

/// <summary>
/// What one order change becomes: its audit object (or quarantine object) is written, then the alert
/// <see cref="AlertPolicy"/> asks for is published. The batch mechanics (grouping, concurrency, hold-back) stay in
/// <see cref="BatchProcessor"/>; a new alert rule belongs in <see cref="AlertPolicy"/>.
/// </summary>
public sealed class OrderRecordHandler : IRecordHandler
{
    private readonly IAuditStore _store;
    private readonly IAlertPublisher _publisher;
    private readonly ProcessorLog _log;
    private readonly ResiliencePipeline _retry;
    private readonly TimeSpan _attemptTimeout;
    private readonly AlertDetail _alertDetail;
    private readonly string _environment;
    private readonly DigestRecorder? _digests;

    /// <param name="store">Where audit, quarantine and digest objects are written.</param>
    /// <param name="publisher">Where alerts go.</param>
    /// <param name="log">The processor's log.</param>
    /// <param name="options">The processor's settings.</param>
    /// <param name="digests">Writes each batch's signed digest; null writes none.</param>
    public OrderRecordHandler(IAuditStore store, IAlertPublisher publisher, ProcessorLog log, BatchProcessorOptions options, DigestRecorder? digests = null)
    {
        _digests = digests;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _publisher = publisher ?? throw new ArgumentNullException(nameof(publisher));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _retry = BuildRetry(options ?? throw new ArgumentNullException(nameof(options)));
        _attemptTimeout = options.AttemptTimeout;
        _alertDetail = options.AlertDetail;
        _environment = options.Environment;
    }

    /// <summary>The audit (or quarantine) record the stream record becomes.</summary>
    public ReadOutcome Read(StreamRecord record, DateTimeOffset processedAt) => StreamRecordReader.Read(record, _environment, processedAt);

    public IBatchJournal BeginBatch(IReadOnlyList<StreamRecord> records, IReadOnlyList<ReadOutcome> outcomes, CancellationToken cancellationToken) =>
        _digests?.Begin(records, outcomes, WithRetryAsync, cancellationToken) ?? NoBatchJournal.Instance;

    public async Task<HandledRecord> HandleAsync(StreamRecord record, ReadOutcome outcome, IBatchJournal journal, CancellationToken cancellationToken)
    {
        // Serialised once (outcome.Json): the same bytes are hashed for the digest, stored and, for an alert, published.
        var json = outcome.Json;
        if (outcome.Audit is { } audit)
        {
            // Written before the alert: an alert always points at an audit object that exists.
            await WithRetryAsync(ct => PutAsync(audit.Key, json, journal, ct), cancellationToken).ConfigureAwait(false);
            journal.Written(outcome);
            var alerted = await PublishAsync(AlertPolicy.AlertFor(audit, _alertDetail, json), cancellationToken).ConfigureAwait(false);
            if (_log.IsEnabled(ProcessorLogLevel.Debug))
            {
                // Guarded: the fields would otherwise be built for every record and thrown away.
                _log.Log(ProcessorLogLevel.Debug, "Audit object written", LogFields.Of(record, ("orderId", audit.OrderId), ("key", audit.Key), ("status", audit.Status)));
            }

            return new HandledRecord(RecordState.Audited, alerted);
        }

        var quarantine = outcome.Quarantine!;
        await WithRetryAsync(ct => PutAsync(quarantine.Key, json, journal, ct), cancellationToken).ConfigureAwait(false);
        journal.Written(outcome);
        _log.Log(ProcessorLogLevel.Warn, "Record quarantined: it cannot be audited as an order", LogFields.Of(record, ("reason", quarantine.Reason), ("key", quarantine.Key)));
        var quarantineAlerted = await PublishAsync(AlertPolicy.AlertFor(quarantine, record, _alertDetail, json), cancellationToken).ConfigureAwait(false);
        return new HandledRecord(RecordState.Quarantined, quarantineAlerted);
    }

    // The object names the digest that will list it, where the store can keep that.
    private Task PutAsync(string key, string json, IBatchJournal journal, CancellationToken cancellationToken) =>
        _store is IDigestNamingStore naming ? naming.PutAsync(key, json, journal.DigestKey, cancellationToken) : _store.PutAsync(key, json, cancellationToken);

    private async Task<bool> PublishAsync(Alert? alert, CancellationToken cancellationToken)
    {
        if (alert is null)
        {
            return false;
        }

        await WithRetryAsync(ct => _publisher.PublishAsync(alert, ct), cancellationToken).ConfigureAwait(false);
        return true;
    }

    // Each attempt is bounded, so one call that never answers cannot hold the batch past its deadline.
    private async Task WithRetryAsync(Func<CancellationToken, Task> action, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(ct => new ValueTask(BoundedCall.RunAsync(action, _attemptTimeout, ct)), cancellationToken).ConfigureAwait(false);

    private static ResiliencePipeline BuildRetry(BatchProcessorOptions options) =>
        options.RetryAttempts <= 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = options.Time }.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.RetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => new ValueTask<bool>(
                    args.Outcome.Exception is { } error && TransientErrors.IsWorthRetrying(error, args.Context.CancellationToken)),
            }).Build();
}
