using System.Diagnostics;
using System.Management.Automation;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace StandIn;

/// <summary>What a stand-in cmdlet did, and with which AWSSDK.Core build (the proof that its own build ran).</summary>
public sealed class StandInResult
{
    public StandInResult(IReadOnlyList<string> buckets) => Buckets = buckets;

    public IReadOnlyList<string> Buckets { get; }

    public string SdkFileVersion { get; } = FileVersionInfo.GetVersionInfo(typeof(AWSCredentials).Assembly.Location).FileVersion ?? string.Empty;
}

/// <summary>Base of the stand-in cmdlets: AWS.Tools' connection parameters, reduced to what the tests pass.</summary>
public abstract class StandInS3Cmdlet : PSCmdlet
{
    [Parameter(Mandatory = true)]
    public string EndpointUrl { get; set; } = string.Empty;

    [Parameter(Mandatory = true)]
    public AWSCredentials? Credential { get; set; }

    protected AmazonS3Client Client() => new(Credential, new AmazonS3Config
    {
        ServiceURL = EndpointUrl,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });

    /// <summary>
    /// AWS.Tools runs its SDK calls to completion inside ProcessRecord the same way: a cmdlet's pipeline methods are
    /// synchronous, and this stand-in exists to behave like it, not to be a model.
    /// </summary>
    protected static T Complete<T>(Task<T> call) => call.GetAwaiter().GetResult();

    protected StandInResult ListBuckets(AmazonS3Client client) =>
        new(Complete(client.ListBucketsAsync(new ListBucketsRequest())).Buckets?.Select(bucket => bucket.BucketName).ToList() ?? new List<string>());
}

/// <summary>Creates a bucket (PutBucket) with this module's SDK build and lists the buckets.</summary>
[Cmdlet(VerbsCommon.New, "StandInS3Bucket")]
[OutputType(typeof(StandInResult))]
public sealed class NewStandInS3BucketCommand : StandInS3Cmdlet
{
    [Parameter(Mandatory = true)]
    public string BucketName { get; set; } = string.Empty;

    protected override void ProcessRecord()
    {
        using var client = Client();
        Complete(client.PutBucketAsync(new PutBucketRequest { BucketName = BucketName }));
        WriteObject(ListBuckets(client));
    }
}
