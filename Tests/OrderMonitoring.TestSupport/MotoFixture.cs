using Amazon.Runtime;
using Xunit;

namespace OrderMonitoring.TestSupport;

/// <summary>
/// xunit collection fixture: one moto server for every test class of a collection,
/// stopped by its process id when the collection ends (also after failures).
/// </summary>
public sealed class MotoFixture : IAsyncLifetime
{
    private MotoServer? _server;

    public MotoServer Server => _server ?? throw new InvalidOperationException("The moto server has not started.");

    public Uri Endpoint => Server.Endpoint;

    public string Region => MotoServer.Region;

    public AWSCredentials Credentials { get; } = new BasicAWSCredentials(MotoServer.AccessKey, MotoServer.SecretKey);

    public async Task InitializeAsync() => _server = await MotoServer.StartAsync().ConfigureAwait(false);

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }
}

// xunit finds collection definitions only in the test assembly itself, so each test project declares
// `[CollectionDefinition(MotoCollection.Name)] public sealed class MotoCollection : ICollectionFixture<MotoFixture>`.
