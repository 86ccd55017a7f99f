using System.Collections.ObjectModel;
using System.Management.Automation;
using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Cmdlets.Binding;
using OrderMonitoring.Cmdlets.FailedBatches;
using OrderMonitoring.Cmdlets.FailedBatches.LegacyQueue;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Runs the order processor in-process against a stack's bucket and topic: on Lambda event files, on the table's stream, or on the failed batches kept in S3.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "OrderEventProcessor", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OrderProcessorResult))]
public sealed class InvokeOrderEventProcessorCommand : OrderCmdlet
{
    private const string PathSet = "Path";
    private const string StreamSet = "FromStream";
    private const string FailedBatchesSet = "FailedBatches";

    // The processor logs from worker threads; each run's reporter moves the entries onto the pipeline thread.
    private readonly ProcessorLogReporter _log = new();
    private IAmazonCloudWatch? _cloudWatch;
    private BackgroundProcessorMetrics? _metrics;

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
    /// Does not publish the processor's metrics to CloudWatch. By default (aggregated per minute, in the background) each batch's RecordsProcessed,
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

    /// <summary>Orders processed at once (one order's records always in stream order); default 64.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int Concurrency { get; set; } = DefaultConcurrency;

    /// <summary>
    /// With -FromStream: goes on when records left the stream before they were read (a checkpoint older than the
    /// stream's 24 hours). The gap is still written as an error naming the shard and the time span.
    /// </summary>
    [Parameter(ParameterSetName = StreamSet)]
    public SwitchParameter AcceptRecordLoss { get; set; }

    /// <summary>At 20 ms per S3 write, 64 writes in flight carry about 3,000 records/s, twice the catch-up goal.</summary>
    internal const int DefaultConcurrency = 64;

    /// <summary>The processor over the current stack's bucket and topic (built once per stack), publishing its metrics unless -NoMetrics.</summary>
    private (OrderStackResources Stack, IRecordProcessor Processor) CurrentProcessor()
    {
        var stack = CurrentStack();
        IRecordProcessor? processor = null;
        Guard(() =>
        {
            IRecordProcessor inProcess = new InProcessRecordProcessor(Orders.ProcessorFor(stack, _log, Concurrency).Processor);
            processor = NoMetrics ? inProcess
                : new MeteredRecordProcessor(inProcess, _metrics ??= new BackgroundProcessorMetrics(CloudWatch(), stack.Environment, _log, TimeProvider.System));
        });
        return (stack, processor!);
    }

    private IAmazonCloudWatch CloudWatch() => _cloudWatch ??= ClientFactory.CreateCloudWatch();

    /// <summary>Releases the CloudWatch client.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cloudWatch?.Dispose();
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
        foreach (var pattern in Path)
        {
            foreach (var file in Resolve(pattern))
            {
                ProcessFile(processor, file);
            }
        }
    }

    /// <summary>-FromStream: drains (or follows) the stream and writes the summary.</summary>
    protected override void EndProcessing()
    {
        if (ParameterSetName == StreamSet)
        {
            var (stack, processor) = CurrentProcessor();
            ProcessStream(stack, processor);
        }
        else if (ParameterSetName == FailedBatchesSet)
        {
            var (stack, processor) = CurrentProcessor();
            ReplayFailedBatches(stack, processor);
        }

        PublishRemainingMetrics();
    }

    /// <summary>The metrics still waiting for the background publish, sent before the command returns.</summary>
    private void PublishRemainingMetrics()
    {
        if (_metrics is { } metrics)
        {
            RunAsync(async (reporter, _) =>
            {
                _log.Reporter = reporter;
                await metrics.CompleteAsync().ConfigureAwait(false);
                return true;
            });
        }
    }

    /// <summary>
    /// Runs processing work; when Ctrl+C stops it, the metrics of the batches already done are published before the
    /// pipeline stops (EndProcessing does not run then), within the publisher's own short bound.
    /// </summary>
    private T RunProcessing<T>(Func<IOperationReporter, CancellationToken, Task<T>> work) => RunAsync(async (reporter, token) =>
    {
        try
        {
            return await work(reporter, token).ConfigureAwait(false);
        }
        finally
        {
            if (token.IsCancellationRequested && _metrics is { } metrics)
            {
                await metrics.CompleteAsync().ConfigureAwait(false);
            }
        }
    });

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

        Guard(() => WriteObject(RunProcessing(async (reporter, token) =>
        {
            _log.Reporter = reporter;
            using var streams = ClientFactory.CreateDynamoDBStreams();
            using var sqs = ClientFactory.CreateSqs();
            // The stack reader already looked for the stream on the table when the output was missing.
            var streamArn = stack.StreamArn
                ?? throw new OrderMonitoringException("StreamNotFound", FailureKind.InvalidState, $"The table '{stack.TableName}' has no stream.",
                    "Redeploy the stack with New-OrderMonitoringStack (the template enables the stream).");
            using var s3 = ClientFactory.CreateS3();
            // Whole records into the failed-batches bucket, like Lambda's S3 destination; only a stack older than that
            // bucket falls back to the range-only failure queue.
            IFailedBatchSink? queue = stack.FailedBatchesBucketName is { } bucket ? new FailedBatchSink(new S3FailedBatchStore(s3, bucket))
                : stack.FailureQueueUrl is { } url ? new SqsFailedBatchSink(sqs, url, TimeProvider.System) : null;
            var checkpoints = new FileCheckpointStore();
            reporter.Verbose($"Checkpoints: {checkpoints.FileFor(streamArn)}");
            var streamProcessor = new StreamEventProcessor(streams, processor, checkpoints, queue,
                new StreamReaderOptions
                {
                    StartingPosition = StartingPosition, Follow = Follow, MaxRetries = MaxRetries, BatchSize = BatchSize, AcceptRecordLoss = AcceptRecordLoss,
                });
            return await streamProcessor.RunAsync(streamArn, reporter, token).ConfigureAwait(false);
        })));
    }

    /// <summary>
    /// -FailedBatches: the failure queue's ranges, then the bucket's whole batches; each confirmed by ShouldProcess (so
    /// -WhatIf lists them) and replayed. Queue messages not replayed are released at the end.
    /// </summary>
    private void ReplayFailedBatches(OrderStackResources stack, IRecordProcessor processor) => Guard(() =>
    {
        using var s3 = ClientFactory.CreateS3();
        using var sqs = ClientFactory.CreateSqs();
        using var streams = ClientFactory.CreateDynamoDBStreams();
        var sources = new FailedBatchSources(stack, bucket => new S3FailedBatchStore(s3, bucket), url => new SqsFailureQueueClient(sqs, url));
        try
        {
            foreach (var source in sources.All)
            {
                ReplayFrom(stack, new FailedBatchReplayer(source, processor, new StreamRangeReader(streams)));
            }
        }
        finally
        {
            ReleaseHeldMessages(sources.Queue);
        }

        if (sources.Queue is { MoreMayWait: true })
        {
            WriteWarning($"This run took the first {FailureQueueBatches.MaxMessagesPerRun} failure-queue messages; run it again for the rest.");
        }

        if (sources.Bucket is null)
        {
            WriteFailure(FailedBatchSources.BucketMissing(stack.StackName, queueReplayed: true), stack.StackName);
        }
    });

    /// <summary>Makes the queue messages this run did not replay visible again; after Ctrl+C they come back by themselves when the hold ends.</summary>
    private void ReleaseHeldMessages(FailureQueueBatches? queue)
    {
        if (queue is null || Stopping)
        {
            return;
        }

        try
        {
            foreach (var stuck in RunAsync((_, token) => queue.ReleaseAsync(token)))
            {
                WriteWarning($"Could not release failure-queue message {stuck}; it is visible again {FailureQueueBatches.Hold.TotalMinutes:0} minutes after this run read it.");
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteWarning($"Could not release the failure-queue messages this run held ({ex.Message}); they are visible again {FailureQueueBatches.Hold.TotalMinutes:0} minutes after this run read them.");
        }
    }

    private void ReplayFrom(OrderStackResources stack, FailedBatchReplayer replayer)
    {
        var pending = RunAsync((_, token) => replayer.PlanAsync(token));
        WriteVerbose($"{pending.Count} failed batch(es) not yet replayed in {replayer.Location}.");
        for (var i = 0; i < pending.Count; i++)
        {
            var batch = pending[i];
            WriteProgress(new ProgressRecord(2, $"Replaying the failed batches of {stack.StackName}", $"batch {i + 1} of {pending.Count}")
                { PercentComplete = i * 100 / pending.Count, CurrentOperation = batch.Key });
            if (batch.Problem is { } unreadable)
            {
                WriteFailure(unreadable, batch.Source);
                continue;
            }

            if (!Confirmation.ShouldProcess(this, batch.Source, $"Replay {batch.Description}, then {replayer.WhenReplayed}", out _))
            {
                continue;
            }

            try
            {
                WriteObject(RunProcessing(async (reporter, token) =>
                {
                    _log.Reporter = reporter;
                    return await replayer.ReplayAsync(batch, reporter, token).ConfigureAwait(false);
                }));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException and not RuntimeException)
            {
                WriteFailure(ex, batch.Source);
            }
        }

        WriteProgress(new ProgressRecord(2, $"Replaying the failed batches of {stack.StackName}", "done") { RecordType = ProgressRecordType.Completed });
    }

    private void ProcessFile(IRecordProcessor processor, string file)
    {
        try
        {
            if (!Confirmation.ShouldProcess(this, file, "Process the event file's records: write audit objects and publish alerts", out _))
            {
                return;
            }

            string json;
            try
            {
                json = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OrderMonitoringException("EventFileUnreadable", FailureKind.InvalidArgument, $"Cannot read '{file}': {ex.Message} Nothing was processed.",
                    "Check the path and its permissions.", ex);
            }

            var records = StreamEventFile.Parse(file, json);
            var result = RunProcessing(async (reporter, token) =>
            {
                _log.Reporter = reporter;
                return await processor.ProcessAsync(records, token).ConfigureAwait(false);
            });
            WriteObject(new OrderProcessorResult
            {
                Source = file, Batches = 1, Records = result.Records, Audited = result.Audited, Alerts = result.Alerts,
                Quarantined = result.Quarantined, Failed = result.Failed, Duration = result.Duration,
                BatchItemFailures = result.BatchItemFailures.Select(f => f.ItemIdentifier).ToList(),
            });
            if (result.Failed > 0)
            {
                WriteWarning($"{file}: {result.Failed} record(s) failed; run it again to retry them (audit writes are idempotent). See -Verbose for the cause.");
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not RuntimeException)
        {
            WriteFailure(ex, file);
        }
    }

    private IEnumerable<string> Resolve(string pattern)
    {
        Collection<string> files;
        try
        {
            files = GetResolvedProviderPathFromPSPath(pattern, out _);
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
        {
            WriteFailure(new OrderMonitoringException("EventFileUnreadable", FailureKind.NotFound, ex.Message + " Nothing was processed.",
                "Check the path.", ex), pattern);
            return Array.Empty<string>();
        }

        var directories = files.Where(Directory.Exists).ToList();
        foreach (var directory in directories)
        {
            WriteFailure(new OrderMonitoringException("EventFileUnreadable", FailureKind.InvalidArgument, $"'{directory}' is a folder, not an event file.",
                "Pass files, e.g. -Path ./events/*.json."), directory);
        }

        return files.Except(directories);
    }
}
