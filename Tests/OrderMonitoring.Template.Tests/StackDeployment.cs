using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Template.Tests;

/// <summary>Deploys templates/order-monitoring.json to moto the way a user would: upload the code zip, create a change set, execute it, wait.</summary>
internal sealed class StackDeployment
{
    // A guard against a hung emulator, not a speed expectation.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private StackDeployment(string stackName, string environmentSuffix, Stack stack, IReadOnlyList<StackResourceSummary> resources)
    {
        StackName = stackName;
        EnvironmentSuffix = environmentSuffix;
        Stack = stack;
        Resources = resources;
    }

    public string StackName { get; }

    public string EnvironmentSuffix { get; }

    public Stack Stack { get; }

    public IReadOnlyList<StackResourceSummary> Resources { get; }

    public static AwsClientFactory ClientsFor(MotoFixture moto) =>
        new(AwsConnection.Resolve(new AwsConnectionSettings { Region = moto.Region, Credentials = moto.Credentials, EndpointUrl = moto.Endpoint }));

    public static async Task<StackDeployment> DeployAsync(AwsClientFactory clients, string environmentSuffix, string processorTrigger, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        var token = timeout.Token;

        var (codeBucket, codeKey, codeVersion) = await UploadProcessorZipAsync(clients, environmentSuffix, token);
        var stackName = $"order-monitoring-{environmentSuffix}";
        using var cloudFormation = clients.CreateCloudFormation();
        var changeSet = await cloudFormation.CreateChangeSetAsync(new CreateChangeSetRequest
        {
            StackName = stackName,
            ChangeSetName = "create",
            ChangeSetType = "CREATE",
            TemplateBody = await File.ReadAllTextAsync(OrderMonitoringTemplate.TemplatePath, token),
            Capabilities = ["CAPABILITY_NAMED_IAM"],
            Parameters =
            [
                new Parameter { ParameterKey = "EnvironmentSuffix", ParameterValue = environmentSuffix },
                new Parameter { ParameterKey = "ProcessorCodeBucket", ParameterValue = codeBucket },
                new Parameter { ParameterKey = "ProcessorCodeKey", ParameterValue = codeKey },
                new Parameter { ParameterKey = "ProcessorCodeVersion", ParameterValue = codeVersion },
                new Parameter { ParameterKey = "ProcessorTrigger", ParameterValue = processorTrigger },
                // No default: a new table has no stream to name yet.
                new Parameter { ParameterKey = "OrderTableStreamArn", ParameterValue = "" },
            ],
        }, token);
        var changeSetId = changeSet.Id ?? throw new InvalidOperationException("CreateChangeSet returned no id.");

        var described = await PollAsync(() => cloudFormation.DescribeChangeSetAsync(new DescribeChangeSetRequest { ChangeSetName = changeSetId }, token),
            d => d.Status is not ("CREATE_PENDING" or "CREATE_IN_PROGRESS"), token);
        Assert.True(described.Status == "CREATE_COMPLETE", $"Change set {described.Status}: {described.StatusReason}");

        await cloudFormation.ExecuteChangeSetAsync(new ExecuteChangeSetRequest { ChangeSetName = changeSetId }, token);
        var stacks = await PollAsync(() => cloudFormation.DescribeStacksAsync(new DescribeStacksRequest { StackName = stackName }, token),
            d => d.Stacks.Count == 1 && d.Stacks[0].StackStatus?.EndsWith("_IN_PROGRESS", StringComparison.Ordinal) == false, token);

        var resources = await cloudFormation.ListStackResourcesAsync(new ListStackResourcesRequest { StackName = stackName }, token);
        return new StackDeployment(stackName, environmentSuffix, stacks.Stacks[0], resources.StackResourceSummaries);
    }

    /// <summary>
    /// Any small zip will do: moto stores the function's code but never runs it. Content-addressed key in a versioned
    /// bucket, as the template asks (it pins the function to the object version).
    /// </summary>
    private static async Task<(string Bucket, string Key, string Version)> UploadProcessorZipAsync(AwsClientFactory clients, string environmentSuffix, CancellationToken cancellationToken)
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            // In memory, so the synchronous entry stream blocks nothing.
            using var entry = archive.CreateEntry("OrderMonitoring.Processor.runtimeconfig.json").Open();
            entry.Write("{}"u8);
        }

        var bytes = zip.ToArray();
        var bucket = $"processor-code-{environmentSuffix}";
        var key = $"processor/{Convert.ToHexStringLower(SHA256.HashData(bytes))}.zip";
        using var s3 = clients.CreateS3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, cancellationToken);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        }, cancellationToken);
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes) }, cancellationToken);
        return (bucket, key, put.VersionId);
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }
}
