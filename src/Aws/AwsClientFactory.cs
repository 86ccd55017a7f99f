using Amazon.DynamoDBv2;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.Aws.CloudWatch;
using OrderMonitoring.Aws.Lambda;
using OrderMonitoring.Aws.Sns;
using OrderMonitoring.Aws.Streams;

namespace OrderMonitoring.Aws;

/// <summary>
/// Builds every client (the SDK's for S3, DynamoDB and SQS, ours for the rest) from one resolved connection,
/// so all of them use the same region, credentials and endpoints.
/// </summary>
public sealed class AwsClientFactory
{
    private readonly AwsRetryOptions _retry;

    /// <summary>A factory for the connection; <paramref name="retry"/> tunes our own clients' retries.</summary>
    public AwsClientFactory(AwsConnection connection, AwsRetryOptions? retry = null)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _retry = retry ?? AwsRetryOptions.Default;
        _retry.Validate();
    }

    /// <summary>The connection every client is built from.</summary>
    public AwsConnection Connection { get; }

    /// <summary>S3, path-style when the endpoint is custom (mocks cannot resolve bucket sub-domains).</summary>
    public IAmazonS3 CreateS3() => CreateS3(null);

    /// <summary>S3 whose every HTTP request gives up after <paramref name="requestTimeout"/> (the SDK's default when null).</summary>
    public IAmazonS3 CreateS3(TimeSpan? requestTimeout) => CreateS3(requestTimeout, retries: true);

    /// <summary>S3 as above; without <paramref name="retries"/> the SDK sends each request once (the caller retries).</summary>
    public IAmazonS3 CreateS3(TimeSpan? requestTimeout, bool retries)
    {
        var config = Configure(new AmazonS3Config(), AwsServiceIds.S3);
        config.ForcePathStyle = Connection.EndpointFor(AwsServiceIds.S3) is not null;
        if (requestTimeout is { } timeout)
        {
            config.Timeout = timeout;
        }

        if (!retries)
        {
            config.MaxErrorRetry = 0;
        }

        return SdkErrorNames.Recording(new AmazonS3Client(Connection.Credentials, config), AwsServiceIds.S3);
    }

    /// <summary>DynamoDB (the SDK's client).</summary>
    public IAmazonDynamoDB CreateDynamoDB() =>
        SdkErrorNames.Recording(new AmazonDynamoDBClient(Connection.Credentials, Configure(new AmazonDynamoDBConfig(), AwsServiceIds.DynamoDB)), AwsServiceIds.DynamoDB);

    /// <summary>SQS (the SDK's client).</summary>
    public IAmazonSQS CreateSqs() => SdkErrorNames.Recording(new AmazonSQSClient(Connection.Credentials, Configure(new AmazonSQSConfig(), AwsServiceIds.Sqs)), AwsServiceIds.Sqs);

    /// <summary>KMS (the SDK's client): each request sent once and given up after <paramref name="requestTimeout"/> (the caller decides what a failure means).</summary>
    public IAmazonKeyManagementService CreateKms(TimeSpan requestTimeout)
    {
        var config = Configure(new AmazonKeyManagementServiceConfig(), AwsServiceIds.Kms);
        config.Timeout = requestTimeout;
        config.MaxErrorRetry = 0;
        return SdkErrorNames.Recording(new AmazonKeyManagementServiceClient(Connection.Credentials, config), AwsServiceIds.Kms);
    }

    /// <summary>SNS (our client).</summary>
    public IAmazonSimpleNotificationService CreateSns() => CreateSns(_retry);

    /// <summary>SNS (our client) with its own retry settings.</summary>
    public IAmazonSimpleNotificationService CreateSns(AwsRetryOptions retry) => new AmazonSimpleNotificationServiceClient(Connection, retry);

    /// <summary>CloudFormation (our client).</summary>
    public IAmazonCloudFormation CreateCloudFormation() => new AmazonCloudFormationClient(Connection, _retry);

    /// <summary>DynamoDB Streams (our client; AWSSDK.DynamoDBv2 4.x has none).</summary>
    public IAmazonDynamoDBStreams CreateDynamoDBStreams() => new AmazonDynamoDBStreamsClient(Connection, _retry);

    /// <summary>CloudWatch (our client).</summary>
    public IAmazonCloudWatch CreateCloudWatch() => new AmazonCloudWatchClient(Connection, _retry);

    /// <summary>Lambda (our client; AWSSDK.Lambda is not available to us).</summary>
    public IAmazonLambda CreateLambda() => new AmazonLambdaClient(Connection, _retry);

    private T Configure<T>(T config, string serviceId)
        where T : ClientConfig
    {
        // The connection already applied environment and profile endpoints; the SDK must not re-read them differently.
        config.IgnoreConfiguredEndpointUrls = true;
        if (Connection.EndpointFor(serviceId) is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = Connection.Region.SystemName;
        }
        else
        {
            config.RegionEndpoint = Connection.Region;
        }

        return config;
    }
}
