namespace OrderMonitoring.Aws;

/// <summary>The SDK service ids <see cref="AwsConnection.EndpointFor"/> understands (they name the AWS_ENDPOINT_URL_* variables).</summary>
public static class AwsServiceIds
{
    public const string S3 = "S3";
    public const string DynamoDB = "DynamoDB";
    public const string DynamoDBStreams = "DynamoDB Streams";
    public const string Sns = "SNS";
    public const string Sqs = "SQS";
    public const string CloudFormation = "CloudFormation";
    public const string CloudWatch = "CloudWatch";
    public const string Lambda = "Lambda";
    public const string Kms = "KMS";

    /// <summary><c>AWS_ENDPOINT_URL_DYNAMODB_STREAMS</c> for "DynamoDB Streams": upper case, spaces and hyphens as underscores.</summary>
    public static string EndpointVariable(string serviceId) =>
        "AWS_ENDPOINT_URL_" + serviceId.Trim().ToUpperInvariant().Replace(' ', '_').Replace('-', '_');
}
