using Amazon.S3;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudFormation;

namespace OrderMonitoring.Cmdlets.Services;

/// <summary>The clients one stack cmdlet invocation uses, built from the connection and disposed together.</summary>
internal sealed class StackServices : IDisposable
{
    private readonly AwsClientFactory _factory;
    private readonly Lazy<IAmazonS3> _s3;

    public StackServices(AwsClientFactory factory, PollTiming? timing = null)
    {
        _factory = factory;
        Timing = timing ?? PollTiming.Default;
        CloudFormation = factory.CreateCloudFormation();
        _s3 = new Lazy<IAmazonS3>(factory.CreateS3);
    }

    public IAmazonCloudFormation CloudFormation { get; }

    public PollTiming Timing { get; }

    public string Region => _factory.Connection.Region.SystemName;

    public StackReader Reader => new(CloudFormation, Region);

    public StackDeployer Deployer() =>
        new(CloudFormation, new S3ArtifactStore(_s3.Value, Region), new StsAccountIdProvider(_factory.Connection), Region, Timing);

    public StackRemover Remover() => new(CloudFormation, new StackEventWatcher(CloudFormation, Reader, Timing));

    public AuditBucketEraser Eraser() => new(_s3.Value);

    public void Dispose()
    {
        CloudFormation.Dispose();
        if (_s3.IsValueCreated)
        {
            _s3.Value.Dispose();
        }
    }
}
