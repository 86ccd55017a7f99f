using System.Collections.ObjectModel;
using System.Management.Automation;
using OrderMonitoring.Cmdlets.Shell;
using OrderMonitoring.Cmdlets.Orders;
using OrderMonitoring.Cmdlets.Streams;
using OrderMonitoring.Processor.Batch;

namespace OrderMonitoring.Cmdlets.Commands;

/// <summary>
/// <para type="synopsis">Runs the order processor in-process against a stack's bucket and topic: on Lambda event files, or on the table's stream.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "OrderEventProcessor", DefaultParameterSetName = PathSet)]
[OutputType(typeof(OrderProcessorResult))]
public sealed class InvokeOrderEventProcessorCommand : OrderCmdlet
{
    private const string PathSet = "Path";
    private const string StreamSet = "FromStream";

    // The processor logs from worker threads; each run's reporter moves the entries onto the pipeline thread.
    private readonly ProcessorLogReporter _log = new();

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

    /// <summary>The processor over the current stack's bucket and topic, built once per stack.</summary>
    private (OrderStackResources Stack, ProcessorServices Services) CurrentProcessor()
    {
        var stack = CurrentStack();
        ProcessorServices? services = null;
        Guard(() => services = Orders.ProcessorFor(stack, _log));
        return (stack, services!);
    }

    /// <summary>Processes each event file as one invocation.</summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName != PathSet)
        {
            return;
        }

        var (_, services) = CurrentProcessor();
        foreach (var pattern in Path)
        {
            foreach (var file in Resolve(pattern))
            {
                ProcessFile(services, file);
            }
        }
    }

    /// <summary>-FromStream: drains (or follows) the stream and writes the summary.</summary>
    protected override void EndProcessing()
    {
        if (ParameterSetName == StreamSet)
        {
            var (stack, services) = CurrentProcessor();
            ProcessStream(stack, services);
        }
    }

    private void ProcessStream(OrderStackResources stack, ProcessorServices services)
    {
        Guard(() => WriteObject(RunAsync(async (reporter, token) =>
        {
            _log.Reporter = reporter;
            using var streams = ClientFactory.CreateDynamoDBStreams();
            using var sqs = ClientFactory.CreateSqs();
            // The stack reader already looked for the stream on the table when the output was missing.
            var streamArn = stack.StreamArn
                ?? throw new OrderMonitoringException("StreamNotFound", FailureKind.InvalidState, $"The table '{stack.TableName}' has no stream.",
                    "Redeploy the stack with New-OrderMonitoringStack (the template enables the stream).");
            var queue = stack.FailureQueueUrl is { } url ? new SqsFailureQueue(sqs, url) : null;
            var checkpoints = new FileCheckpointStore();
            reporter.Verbose($"Checkpoints: {checkpoints.FileFor(streamArn)}");
            var processor = new StreamEventProcessor(streams, new InProcessRecordProcessor(services.Processor), checkpoints, queue,
                new StreamReaderOptions { StartingPosition = StartingPosition, Follow = Follow, MaxRetries = MaxRetries });
            return await processor.RunAsync(streamArn, reporter, token).ConfigureAwait(false);
        })));
    }

    private void ProcessFile(ProcessorServices services, string file)
    {
        try
        {
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
            var result = RunAsync(async (reporter, token) =>
            {
                _log.Reporter = reporter;
                return await services.Processor.ProcessAsync(records, token).ConfigureAwait(false);
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
