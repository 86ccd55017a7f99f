using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Alerts;
using OrderMonitoring.Processor.Digests;
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
    private readonly IDisposable? _kms;

    private ProcessorServices(IDisposable s3, IDisposable sns, IDisposable? kms, BatchProcessor processor, IRecordHandler handler, SealWriter sealer)
    {
        _s3 = s3;
        _sns = sns;
        _kms = kms;
        Processor = processor;
        Handler = handler;
        Sealer = sealer;
    }

    public BatchProcessor Processor { get; }

    /// <summary>The order rule the processor is given with each batch.</summary>
    public IRecordHandler Handler { get; }

    /// <summary>Writes a seal of every chain's head in the same bucket, signed with the same key as the digests.</summary>
    public SealWriter Sealer { get; }

    /// <summary>
    /// Creates the S3 store and SNS publisher for the bucket and topic, and the processor over them; each batch's digest
    /// is signed with <paramref name="digestSigningKeyId"/> through KMS (unsigned, with a warning, when it is null or
    /// signing fails). Seals promise the next one by <paramref name="sealInterval"/> (the template's default when null).
    /// </summary>
    public static ProcessorServices Create(AwsClientFactory clients, string auditBucketName, string alertTopicArn, BatchProcessorOptions? options = null,
        string? digestSigningKeyId = null, SealInterval? sealInterval = null)
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
        var kms = string.IsNullOrWhiteSpace(digestSigningKeyId) ? null : clients.CreateKms(attempt);
        try
        {
            options ??= new BatchProcessorOptions();
            var processor = new BatchProcessor(options);
            var store = new S3AuditStore(s3, auditBucketName);
            var signer = kms is null ? null : new KmsDigestSigner(kms, digestSigningKeyId!.Trim());
            const string NoKey = "no digest signing key is configured";
            var digests = new DigestRecorder(store, signer, NoKey, DigestChain.Start(options.Time), processor.Log, options);
            var handler = new OrderRecordHandler(store, new SnsAlertPublisher(sns, alertTopicArn), processor.Log, options, digests);
            var sealer = new SealWriter(new S3SealStore(s3, auditBucketName), signer, NoKey, sealInterval ?? SealInterval.Default, processor.Log, options);
            return new ProcessorServices(s3, sns, kms, processor, handler, sealer);
        }
        catch
        {
            s3.Dispose();
            sns.Dispose();
            kms?.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _s3.Dispose();
        _sns.Dispose();
        _kms?.Dispose();
    }
}
