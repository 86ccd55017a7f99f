using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Observability;

namespace OrderMonitoring.Cmdlets.Streams;

/// <summary>
/// The composition root of Invoke-OrderEventProcessor's runs: the in-process processor per stack (metered unless
/// asked not to), the stream runner and the range reader, over one set of clients built on first use and disposed together.
/// </summary>
internal sealed class StreamServices : IDisposable
{
    private readonly AwsClientFactory _factory;
    private readonly TimeProvider _time;
    private readonly Lazy<IAmazonDynamoDBStreams> _streams;
    private readonly Lazy<IAmazonCloudWatch> _cloudWatch;
    private readonly Dictionary<string, ProcessorServices> _processors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BackgroundProcessorMetrics> _metrics = new(StringComparer.Ordinal);

    /// <summary>Orders processed at once by default: at 20 ms per S3 write, 64 writes in flight carry about 3,000 records/s.</summary>
    public const int DefaultConcurrency = 64;

    public StreamServices(AwsClientFactory factory, TimeProvider time)
    {
        _factory = factory;
        _time = time;
        _streams = new Lazy<IAmazonDynamoDBStreams>(factory.CreateDynamoDBStreams);
        _cloudWatch = new Lazy<IAmazonCloudWatch>(factory.CreateCloudWatch);
    }

    /// <summary>The processor logs from worker threads; each run points it at its own reporter.</summary>
    public ProcessorLogReporter Log { get; } = new();

    /// <summary>
    /// The processor over the stack's bucket and topic (built once per stack), running <paramref name="maxConcurrency"/>
    /// orders at once and publishing its metrics in the background unless <paramref name="noMetrics"/>.
    /// </summary>
    public IRecordProcessor ProcessorFor(OrderStackResources stack, bool noMetrics, int maxConcurrency = DefaultConcurrency)
    {
        var services = ServicesFor(stack, maxConcurrency);
        IRecordProcessor inProcess = new InProcessRecordProcessor(services.Processor, services.Handler);
        if (noMetrics)
        {
            return inProcess;
        }

        if (!_metrics.TryGetValue(stack.StackName, out var metrics))
        {
            _metrics[stack.StackName] = metrics = new BackgroundProcessorMetrics(_cloudWatch.Value, stack.Environment, Log, _time);
        }

        return new MeteredRecordProcessor(inProcess, metrics);
    }

    /// <summary>
    /// The seal writer over the stack's audit bucket, signing with the same key as the stack's digests and promising the
    /// next seal by the stack's DigestSealIntervalMinutes (the template's default for stacks older than seals).
    /// </summary>
    public SealWriter SealerFor(OrderStackResources stack) => ServicesFor(stack, DefaultConcurrency).Sealer;

    private ProcessorServices ServicesFor(OrderStackResources stack, int maxConcurrency)
    {
        if (!_processors.TryGetValue(stack.StackName, out var services))
        {
            services = ProcessorServices.Create(_factory, stack.AuditBucketName, stack.TopicArn, new BatchProcessorOptions
            {
                Environment = stack.Environment,
                // Alerts published from here say what the stack's own processor would (Summary unless the stack says Full).
                AlertDetail = string.Equals(stack.AlertDetail, TemplateContract.AlertDetails.Full, StringComparison.OrdinalIgnoreCase)
                    ? Processor.Alerts.AlertDetail.Full
                    : Processor.Alerts.AlertDetail.Summary,
                LogSink = Log,
                LogLevel = ProcessorLogLevel.Info,
                EmitMetrics = false,
                Time = _time,
                MaxConcurrency = maxConcurrency,
            }, stack.DigestSigningKeyArn, SealIntervalOf(stack));
            _processors[stack.StackName] = services;
        }

        return services;
    }

    private static SealInterval SealIntervalOf(OrderStackResources stack) =>
        stack.DigestSealIntervalMinutes is { } minutes and >= TemplateContract.Seals.MinIntervalMinutes and <= TemplateContract.Seals.MaxIntervalMinutes
            ? new SealInterval(TimeSpan.FromMinutes(minutes))
            : SealInterval.Default;

    /// <summary>Publishes every stack's metrics still waiting (the end of the command).</summary>
    public Task CompleteMetricsAsync() => Task.WhenAll(_metrics.Values.Select(metrics => metrics.CompleteAsync()));

    /// <summary>
    /// Runs <paramref name="work"/>; when Ctrl+C (<paramref name="stopping"/>) ends it, the metrics of the batches already
    /// done are published before the pipeline stops (EndProcessing does not run then), within the publisher's own bound.
    /// </summary>
    public async Task<T> PublishingMetricsOnStop<T>(CancellationToken stopping, Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            if (stopping.IsCancellationRequested)
            {
                await CompleteMetricsAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The stream runner; failed ranges go to <paramref name="sink"/>.</summary>
    public StreamEventProcessor Runner(IRecordProcessor processor, ICheckpointStore checkpoints, IFailedBatchSink? sink, StreamReaderOptions options) =>
        new(_streams.Value, processor, checkpoints, sink, options, _time);

    /// <summary>Reads a failed batch's records back from the stream by its range.</summary>
    public StreamRangeReader RangeReader() => new(_streams.Value);

    /// <summary>The stack's stream (StreamNotFound when the table has none).</summary>
    public static string StreamOf(OrderStackResources stack) =>
        // The stack reader already looked for the stream on the table when the output was missing.
        stack.StreamArn ?? throw new OrderMonitoringException("StreamNotFound", FailureKind.InvalidState, $"The table '{stack.TableName}' has no stream.",
            "Redeploy the stack with New-OrderMonitoringStack (the template enables the stream).");

    public void Dispose()
    {
        foreach (var processor in _processors.Values)
        {
            processor.Dispose();
        }

        if (_streams.IsValueCreated && _streams.Value is IDisposable streams)
        {
            streams.Dispose();
        }

        if (_cloudWatch.IsValueCreated)
        {
            _cloudWatch.Value.Dispose();
        }
    }
}
