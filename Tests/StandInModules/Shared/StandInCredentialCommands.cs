using System.Management.Automation;
using Amazon.Runtime;

namespace StandIn;

/// <summary>
/// Credentials of the stand-in's AWSSDK.Core build that count how often they are asked, as refreshing credentials
/// (SSO, assumed roles) are asked at every signing: a consumer that copied them once would stop refreshing.
/// </summary>
public sealed class CountingCredentials : AWSCredentials
{
    private readonly ImmutableCredentials _current;
    private int _calls;

    public CountingCredentials(string accessKey, string secretKey) => _current = new ImmutableCredentials(accessKey, secretKey, null);

    public int Calls => _calls;

    public override ImmutableCredentials GetCredentials()
    {
        Interlocked.Increment(ref _calls);
        return _current.Copy();
    }
}

/// <summary>A credentials object of this module's SDK build, like AWS.Tools' New-AWSCredential.</summary>
[Cmdlet(VerbsCommon.New, "StandInCredential")]
[OutputType(typeof(CountingCredentials))]
public sealed class NewStandInCredentialCommand : PSCmdlet
{
    [Parameter(Mandatory = true)]
    public string AccessKey { get; set; } = string.Empty;

    [Parameter(Mandatory = true)]
    public string SecretKey { get; set; } = string.Empty;

    protected override void ProcessRecord() => WriteObject(new CountingCredentials(AccessKey, SecretKey));
}
