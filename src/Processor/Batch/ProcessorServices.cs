using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Alerts;
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

    private ProcessorServices(IDisposable s3, IDisposable sns, BatchProcessor processor)
    {
        _s3 = s3;
        _sns = sns;
        Processor = processor;
    }

    public BatchProcessor Processor { get; }

    /// <summary>Creates the S3 store and SNS publisher for the bucket and topic, and the processor over them.</summary>
    public static ProcessorServices Create(AwsClientFactory clients, string auditBucketName, string alertTopicArn, BatchProcessorOptions? options = null)
    {
        if (clients is null)
        {
            throw new ArgumentNullException(nameof(clients));
        }

        // Each SDK request is bounded by the processor's attempt timeout, so the SDK's own retries fit inside an attempt.
        var s3 = clients.CreateS3(options?.AttemptTimeout);
        var sns = clients.CreateSns();
        try
        {
            var processor = new BatchProcessor(new S3AuditStore(s3, auditBucketName), new SnsAlertPublisher(sns, alertTopicArn), options);
            return new ProcessorServices(s3, sns, processor);
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
