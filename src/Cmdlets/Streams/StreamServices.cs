using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Batch;
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

    public StreamServices(AwsClientFactory factory, TimeProvider time)
    {
        _factory = factory;
        _time = time;
        _streams = new Lazy<IAmazonDynamoDBStreams>(factory.CreateDynamoDBStreams);
        _cloudWatch = new Lazy<IAmazonCloudWatch>(factory.CreateCloudWatch);
    }

    /// <summary>The processor logs from worker threads; each run points it at its own reporter.</summary>
    public ProcessorLogReporter Log { get; } = new();

    /// <summary>The processor over the stack's bucket and topic (built once per stack), publishing its metrics unless <paramref name="noMetrics"/>.</summary>
    public IRecordProcessor ProcessorFor(OrderStackResources stack, bool noMetrics)
    {
        if (!_processors.TryGetValue(stack.StackName, out var services))
        {
            services = ProcessorServices.Create(_factory, stack.AuditBucketName, stack.TopicArn, new BatchProcessorOptions
            {
                Environment = stack.Environment,
                LogSink = Log,
                LogLevel = ProcessorLogLevel.Info,
                EmitMetrics = false,
                Time = _time,
            }, stack.DigestSigningKeyArn);
            _processors[stack.StackName] = services;
        }

        IRecordProcessor inProcess = new InProcessRecordProcessor(services.Processor, services.Handler);
        return noMetrics ? inProcess : new MeteredRecordProcessor(inProcess, new CloudWatchProcessorMetrics(_cloudWatch.Value, _time), stack.Environment, Log);
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
