using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Orders;
using OrderMonitoring.Processor.Storage;

namespace OrderMonitoring.Processor.Batch;

/// <summary>
/// Builds a <see cref="BatchProcessor"/> on S3 and SNS from an <see cref="AwsClientFactory"/>, for the Lambda and
/// for the module's in-process runs. Dispose it to release the clients.
/// </summary>
public sealed class ProcessorServices : IDisposable
{
    private readonly IDisposable _s3;
    private readonly IDisposable _sns;

    private ProcessorServices(IDisposable s3, IDisposable sns, BatchProcessor processor, IRecordHandler handler)
    {
        _s3 = s3;
        _sns = sns;
        Processor = processor;
        Handler = handler;
    }

    public BatchProcessor Processor { get; }

    /// <summary>The order rule the processor is given with each batch.</summary>
    public IRecordHandler Handler { get; }

    /// <summary>Creates the S3 store and SNS publisher for the bucket and topic, and the processor over them.</summary>
    public static ProcessorServices Create(AwsClientFactory clients, string auditBucketName, string alertTopicArn, BatchProcessorOptions? options = null)
    {
        if (clients is null)
        {
            throw new ArgumentNullException(nameof(clients));
        }

        // The processor's handler is the one retry layer of each call: the clients send once, each send bounded by the
        // processor's attempt timeout (two layers would multiply attempts under throttling).
        var attempt = (options ?? new BatchProcessorOptions()).AttemptTimeout;
        var s3 = clients.CreateS3(attempt, retries: false);
        var sns = clients.CreateSns(new AwsRetryOptions { MaxAttempts = 1, AttemptTimeout = attempt, TotalTimeout = attempt });
        try
        {
            var processor = new BatchProcessor(options);
            var handler = new OrderRecordHandler(new S3AuditStore(s3, auditBucketName), new SnsAlertPublisher(sns, alertTopicArn), processor.Log,
                options ?? new BatchProcessorOptions());
            return new ProcessorServices(s3, sns, processor, handler);
        }
        catch
        {
            s3.Dispose();
            sns.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _s3.Dispose();
        _sns.Dispose();
    }
}
