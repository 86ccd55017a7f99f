using Amazon.SecurityToken.Model;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Reconciliation.Repairs;

/// <summary>The caller's ARN from STS GetCallerIdentity (which needs no permission).</summary>
internal sealed class StsCallerIdentity(AwsConnection connection) : ICallerIdentity
{
    public async Task<string> GetCallerArnAsync(CancellationToken cancellationToken)
    {
        using var sts = StsAccountIdProvider.CreateClient(connection);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        return identity.Arn;
    }
}
