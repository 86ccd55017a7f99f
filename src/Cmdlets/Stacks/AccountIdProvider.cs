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
        var config = new AmazonSecurityTokenServiceConfig { IgnoreConfiguredEndpointUrls = true };
        if (_connection.EndpointFor("STS") is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = _connection.Region.SystemName;
        }
        else
        {
            config.RegionEndpoint = _connection.Region;
        }

        using var sts = new AmazonSecurityTokenServiceClient(_connection.Credentials, config);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        return identity.Account;
    }
}
