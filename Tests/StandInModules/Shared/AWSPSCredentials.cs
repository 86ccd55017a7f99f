using System.Management.Automation;
using Amazon.Runtime;

// AWS.Tools' own namespace and type name: the session variable holds exactly this shape there.
namespace Amazon.PowerShell.Common;

/// <summary>
/// The shape AWS.Tools' Set-AWSCredential stores in $StoredAWSCredentials: a public class whose credentials, name and
/// source are internal properties (AWS.Tools reads them back by reflection too), shown by its name.
/// </summary>
public sealed class AWSPSCredentials
{
    internal AWSPSCredentials(AWSCredentials credentials, string name, string source)
    {
        Credentials = credentials;
        Name = name;
        Source = source;
    }

    internal AWSCredentials Credentials { get; }

    internal string Name { get; }

    internal string Source { get; }

    public override string ToString() => Name;
}

/// <summary>Like AWS.Tools' Set-AWSCredential -Credential: makes the credentials the session's default.</summary>
[Cmdlet(VerbsCommon.Set, "StandInSessionCredential")]
[OutputType(typeof(void))]
public sealed class SetStandInSessionCredentialCommand : PSCmdlet
{
    [Parameter(Mandatory = true)]
    public AWSCredentials? Credential { get; set; }

    protected override void ProcessRecord() =>
        SessionState.PSVariable.Set("global:StoredAWSCredentials", new AWSPSCredentials(Credential!, "Credentials Object", "Session"));
}
