using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using OrderMonitoring.Aws;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>The AWS account the credentials belong to.</summary>
internal interface IAccountIdProvider
{
    Task<string> GetAccountIdAsync(CancellationToken cancellationToken);
}

/// <summary>Asks STS GetCallerIdentity (needs no permission).</summary>
internal sealed class StsAccountIdProvider : IAccountIdProvider
{
    private readonly AwsConnection _connection;

    public StsAccountIdProvider(AwsConnection connection) => _connection = connection;

    public async Task<string> GetAccountIdAsync(CancellationToken cancellationToken)
    {
        using var sts = CreateClient(_connection);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        return identity.Account;
    }

    /// <summary>An STS client for the connection (its endpoint when one is configured, else the region's).</summary>
    public static AmazonSecurityTokenServiceClient CreateClient(AwsConnection connection)
    {
        var config = new AmazonSecurityTokenServiceConfig { IgnoreConfiguredEndpointUrls = true };
        if (connection.EndpointFor("STS") is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = connection.Region.SystemName;
        }
        else
        {
            config.RegionEndpoint = connection.Region;
        }

        return new AmazonSecurityTokenServiceClient(connection.Credentials, config);
    }
}
