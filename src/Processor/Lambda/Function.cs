using System.Text.Json;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Lambda;
using OrderMonitoring.Processor.Observability;

namespace OrderMonitoring.Processor;

/// <summary>
/// The Lambda entry point, <c>OrderMonitoring.Processor::OrderMonitoring.Processor.Function::HandleAsync</c>:
/// a DynamoDB stream event in, the partial batch response <c>{"batchItemFailures":[...]}</c> out; or the seal schedule's
/// constant input <c>{"orderMonitoring":"seal"}</c> in, one seal written and its summary out.
/// The runtime creates one instance per container, so clients made in the constructor are reused across calls.
/// </summary>
public sealed class Function
{
    private readonly BatchProcessor _processor;
    private readonly IRecordHandler _handler;
    private readonly Digests.SealWriter? _sealer;

    /// <summary>Used by the Lambda runtime: settings from the environment, clients from the default AWS chain.</summary>
    public Function()
        : this(CreateFromEnvironment())
    {
    }

    private Function(ProcessorServices services)
        : this(services.Processor, services.Handler, services.Sealer)
    {
    }

    internal Function(BatchProcessor processor, IRecordHandler handler, Digests.SealWriter? sealer = null)
    {
        _processor = processor;
        _handler = handler;
        _sealer = sealer;
    }

    /// <summary>Handles one invocation. Only a single overload may exist: the runtime looks the method up by name.</summary>
    public async Task<Stream> HandleAsync(Stream input)
    {
        // The managed runtime passes no CancellationToken to a Stream-only handler; Lambda's timeout ends the call.
        var cancellationToken = CancellationToken.None;
        input = await SealInvocation.SeekableAsync(input, cancellationToken).ConfigureAwait(false);
        if (await SealInvocation.IsSealInputAsync(input, cancellationToken).ConfigureAwait(false))
        {
            return await SealAsync(cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<Aws.Streams.StreamRecord> records;
        try
        {
            records = await StreamEvent.ReadRecordsAsync(input, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException notAStreamEvent)
        {
            _processor.Log.Log(ProcessorLogLevel.Error, notAStreamEvent.Message);
            throw;
        }

        var result = await _processor.ProcessAsync(records, _handler, cancellationToken).ConfigureAwait(false);
        if (result.RequiresWholeBatchRetry)
        {
            // Lambda treats an empty itemIdentifier as a failure of the whole batch anyway; say why instead.
            throw new InvalidOperationException("A record without a SequenceNumber could not be processed; failing the whole batch so Lambda delivers it again.");
        }

        return WriteResponse(result);
    }

    private async Task<Stream> SealAsync(CancellationToken cancellationToken)
    {
        var sealer = _sealer ?? throw new InvalidOperationException("This function was built without a seal writer.");
        try
        {
            return SealInvocation.WriteResponse(await sealer.WriteAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception failed)
        {
            // Thrown on: the schedule's asynchronous invocation is retried, and the error counts in the function's error alarm.
            _processor.Log.Log(ProcessorLogLevel.Error, "The seal could not be written.", ("error", failed.GetType().Name + ": " + failed.Message));
            throw;
        }
    }

    private static ProcessorServices CreateFromEnvironment()
    {
        var settings = FunctionSettings.FromEnvironment();
        var clients = new AwsClientFactory(AwsConnection.Resolve(new AwsConnectionSettings()), settings.ToClientRetryOptions());
        // Lives as long as the container: the runtime keeps this instance for every invocation.
        return ProcessorServices.Create(clients, settings.AuditBucketName, settings.AlertTopicArn, settings.ToProcessorOptions(), settings.DigestSigningKeyId, settings.SealInterval);
    }

    internal static Stream WriteResponse(BatchResult result)
    {
        var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("batchItemFailures");
            foreach (var failure in result.BatchItemFailures)
            {
                writer.WriteStartObject();
                writer.WriteString("itemIdentifier", failure.ItemIdentifier);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        output.Position = 0;
        return output;
    }
}
