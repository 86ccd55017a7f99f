using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Status;

/// <summary>
/// The status cmdlet's composition root: the health check over the stack services' reader and S3 client, with the
/// CloudWatch, SQS and Lambda clients it needs on top, disposed together.
/// </summary>
internal sealed class StatusServices : IDisposable
{
    private readonly StackServices _stacks;
    private readonly List<IDisposable> _clients = new();

    public StatusServices(StackServices stacks) => _stacks = stacks;

    /// <summary>The health check; its clients live as long as this object.</summary>
    public HealthChecker HealthChecker()
    {
        var cloudWatch = Track(_stacks.Clients.CreateCloudWatch());
        return new HealthChecker(_stacks.Reader, new CloudWatchAlarmSource(cloudWatch), new CloudWatchMetricSource(cloudWatch),
            new SqsQueueDepthSource(Track(_stacks.Clients.CreateSqs())), new S3FailedBatchCounter(_stacks.S3),
            new LambdaEventSourceMappingSource(Track(_stacks.Clients.CreateLambda())));
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private T Track<T>(T client)
        where T : IDisposable
    {
        _clients.Add(client);
        return client;
    }
}
