using OrderMonitoring.Aws;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Batch;
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

    public OrderRecordHandler(IAuditStore store, IAlertPublisher publisher, ProcessorLog log, BatchProcessorOptions options)
    {
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

    public async Task<HandledRecord> HandleAsync(StreamRecord record, ReadOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.Audit is { } audit)
        {
            // Written before the alert: an alert always points at an audit object that exists.
            // Serialised once: the same document is stored and, for an alert, published.
            var json = audit.ToJson();
            await WithRetryAsync(ct => _store.PutAsync(audit.Key, json, ct), cancellationToken).ConfigureAwait(false);
            var alerted = await PublishAsync(AlertPolicy.AlertFor(audit, _alertDetail, json), cancellationToken).ConfigureAwait(false);
            _log.Log(ProcessorLogLevel.Debug, "Audit object written", LogFields.Of(record, ("orderId", audit.OrderId), ("key", audit.Key), ("status", audit.Status)));
            return new HandledRecord(RecordState.Audited, alerted);
        }

        var quarantine = outcome.Quarantine!;
        await WithRetryAsync(ct => _store.PutAsync(quarantine.Key, quarantine.ToJson(), ct), cancellationToken).ConfigureAwait(false);
        _log.Log(ProcessorLogLevel.Warn, "Record quarantined: it cannot be audited as an order", LogFields.Of(record, ("reason", quarantine.Reason), ("key", quarantine.Key)));
        var quarantineAlerted = await PublishAsync(AlertPolicy.AlertFor(quarantine, record, _alertDetail), cancellationToken).ConfigureAwait(false);
        return new HandledRecord(RecordState.Quarantined, quarantineAlerted);
    }

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
