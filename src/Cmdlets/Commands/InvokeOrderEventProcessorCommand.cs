using System.Management.Automation;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.FailedBatches;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Runs the order processor in-process against a stack's bucket and topic: on Lambda event files, on the table's stream, or on the failed batches kept in S3; or writes one seal of the digest chains.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "OrderEventProcessor", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OrderProcessorResult))]
[OutputType(typeof(AuditSeal), ParameterSetName = new[] { SealSet })]
public sealed class InvokeOrderEventProcessorCommand : OrderCmdlet
{
    private const string PathSet = "Path";
    private const string StreamSet = "FromStream";
    private const string FailedBatchesSet = "FailedBatches";
    private const string SealSet = "Seal";

    private StreamServices? _streams;
    private FailedBatchServices? _failedBatches;

    /// <summary>Lambda DynamoDB stream event files (wildcards allowed).</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Reads the stack's table stream instead of files.</summary>
    [Parameter(Mandatory = true, ParameterSetName = StreamSet)]
    public SwitchParameter FromStream { get; set; }

    /// <summary>Where to start each shard: Checkpoint (default), TrimHorizon or Latest.</summary>
    [Parameter(ParameterSetName = StreamSet)]
    public StreamStartingPosition StartingPosition { get; set; } = StreamStartingPosition.Checkpoint;

    /// <summary>Keeps polling the stream until Ctrl+C.</summary>
    [Parameter(ParameterSetName = StreamSet)]
    public SwitchParameter Follow { get; set; }

    /// <summary>Retries of a failed batch before its range goes to the failure queue; default 2.</summary>
    [Parameter(ParameterSetName = StreamSet)]
    [ValidateRange(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Replays the failed batches kept in the stack's failed-batches bucket, then marks each one replayed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FailedBatchesSet)]
    public SwitchParameter FailedBatches { get; set; }

    /// <summary>
    /// Writes one seal in the stack's audit bucket, as the stack's schedule does: every digest chain's newest digest with
    /// its SHA-256, linked to the previous seal, signed with the digest signing key (unsigned, with a warning, when it
    /// cannot sign). For runs without the Lambda, or to seal now.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = SealSet)]
    public SwitchParameter Seal { get; set; }

    /// <summary>
    /// Does not publish the processor's metrics to CloudWatch. By default each batch's RecordsProcessed,
    /// AuditObjectsWritten, AlertsPublished, RecordsQuarantined, RecordsFailed and ProcessingLagMs go to the
    /// OrderMonitoring namespace (dimension Environment), as the Lambda's EMF lines do, so the alarms see this run.
    /// </summary>
    [Parameter]
    public SwitchParameter NoMetrics { get; set; }

    /// <summary>With -FromStream: reads the stream even though the stack's Lambda trigger reads it too.</summary>
    [Parameter(ParameterSetName = StreamSet)]
    public SwitchParameter Force { get; set; }

    /// <summary>With -FromStream: records per processor call; default 1000 (one GetRecords page).</summary>
    [Parameter(ParameterSetName = StreamSet)]
    [ValidateRange(1, 10000)]
    public int BatchSize { get; set; } = StreamReaderOptions.DefaultBatchSize;

    /// <summary>Orders processed at once, one order's records always in stream order; default 64.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int Concurrency { get; set; } = StreamServices.DefaultConcurrency;

    /// <summary>With -FromStream: goes on past records that left the stream unread (still written as an error).</summary>
    [Parameter(ParameterSetName = StreamSet)]
    public SwitchParameter AcceptRecordLoss { get; set; }

    private StreamServices Streams => _streams ??= new StreamServices(ClientFactory, Time);

    private FailedBatchServices FailedBatchServices => _failedBatches ??= new FailedBatchServices(ClientFactory, Streams, Time);

    /// <summary>The processor over the current stack's bucket and topic, publishing its metrics unless -NoMetrics.</summary>
    private (OrderStackResources Stack, IRecordProcessor Processor) CurrentProcessor()
    {
        var stack = CurrentStack();
        IRecordProcessor? processor = null;
        Guard(() => processor = Streams.ProcessorFor(stack, NoMetrics, Concurrency));
        return (stack, processor!);
    }

    /// <summary>Releases the clients of the run.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _failedBatches?.Dispose();
            _streams?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Processes each event file as one invocation.</summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName != PathSet)
        {
            return;
        }

        var (_, processor) = CurrentProcessor();
        foreach (var file in Path.SelectMany(pattern => EventFilePaths.Resolve(this, pattern, WriteFailure)))
        {
            try
            {
                if (Confirmation.ShouldProcess(this, file, "Process the event file's records: write audit objects and publish alerts", out _))
                {
                    WriteObject(Run((reporter, token) => StreamEventFile.ProcessAsync(file, processor, reporter, token)));
                }
            }
            catch (Exception ex) when (ex is not PipelineStoppedException and not RuntimeException)
            {
                WriteFailure(ex, file);
            }
        }
    }

    /// <summary>-FromStream: drains (or follows) the stream and writes the summary; -FailedBatches: replays them.</summary>
    protected override void EndProcessing()
    {
        if (ParameterSetName == StreamSet)
        {
            var (stack, processor) = CurrentProcessor();
            ProcessStream(stack, processor);
        }
        else if (ParameterSetName == SealSet)
        {
            WriteSeal(CurrentStack());
        }
        else if (ParameterSetName == FailedBatchesSet)
        {
            var (stack, processor) = CurrentProcessor();
            Guard(() => RunAsync((target, action) => Confirmation.ShouldProcess(this, target, action, out _), async (reporter, confirm, token) =>
            {
                Streams.Log.Reporter = reporter;
                return await Streams.PublishingMetricsOnStop(token, async () =>
                {
                    await FailedBatchServices.ReplayAsync(stack, processor, confirm, reporter, token).ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);
            }));
        }

        // What the background publish has not sent yet, before the command returns; then the count of repeated digest warnings.
        Run(async (reporter, _) =>
        {
            await Streams.CompleteMetricsAsync().ConfigureAwait(false);
            Streams.Log.Summarize(reporter);
            return true;
        });
    }

    private void WriteSeal(OrderStackResources stack)
    {
        if (!Confirmation.ShouldProcess(this, $"s3://{stack.AuditBucketName}/{Processor.Audit.AuditKey.SealsPrefix}",
                "Write a seal naming every digest chain's newest digest, signed with the digest signing key", out _))
        {
            return;
        }

        Guard(() => WriteObject(Run(async (reporter, token) =>
        {
            var outcome = await Streams.SealerFor(stack).WriteAsync(token).ConfigureAwait(false);
            if (!outcome.Written)
            {
                reporter.Verbose($"Another sealer wrote {outcome.Seal.Key} in the same second; that seal stands.");
            }

            return AuditSeal.From(stack.StackName, outcome);
        })));
    }

    private void ProcessStream(OrderStackResources stack, IRecordProcessor processor)
    {
        if (stack.ProcessorTrigger == TemplateContract.ProcessorTriggers.Lambda && !Force)
        {
            WriteFailure(new OrderMonitoringException("StreamHasLambdaConsumer", FailureKind.InvalidOperation,
                $"The stack '{stack.StackName}' processes its stream with Lambda (ProcessorTrigger {TemplateContract.ProcessorTriggers.Lambda}); reading it here too would process every record twice (duplicate alerts) and compete for the shard's read capacity.",
                $"Deploy the environment with -ProcessorTrigger {TemplateContract.ProcessorTriggers.External} to run the processor outside Lambda, or pass -Force to read the stream anyway."),
                stack.StackName);
            return;
        }

        if (!Confirmation.ShouldProcess(this, stack.StreamArn ?? stack.TableName,
                $"Process the stream's records: write audit objects to {stack.AuditBucketName} and publish alerts to {stack.TopicArn}", out _))
        {
            return;
        }

        Guard(() => WriteObject(Run((reporter, token) =>
        {
            var streamArn = StreamServices.StreamOf(stack);
            var checkpoints = new FileCheckpointStore();
            reporter.Verbose($"Checkpoints: {checkpoints.FileFor(streamArn)}");
            var options = new StreamReaderOptions
            {
                StartingPosition = StartingPosition, Follow = Follow, MaxRetries = MaxRetries, BatchSize = BatchSize, AcceptRecordLoss = AcceptRecordLoss,
            };
            return Streams.Runner(processor, checkpoints, FailedBatchServices.SinkFor(stack), options).RunAsync(streamArn, reporter, token);
        })));
    }

    /// <summary>Runs service work with the processor's log going to this run's reporter (and its metrics sent when Ctrl+C stops it).</summary>
    private T Run<T>(Func<IOperationReporter, CancellationToken, Task<T>> work) => RunAsync((reporter, token) =>
    {
        Streams.Log.Reporter = reporter;
        return Streams.PublishingMetricsOnStop(token, () => work(reporter, token));
    });
}
