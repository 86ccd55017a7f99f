using Amazon;

namespace OrderMonitoring.Aws.Protocol;

/// <summary>What the protocol layer needs to know about a service: names for errors and signing, its API version, its host.</summary>
internal sealed record ServiceDescriptor(string ServiceId, string SigningName, string ApiVersion, string EndpointPrefix)
{
    public static readonly ServiceDescriptor CloudFormation = new(AwsServiceIds.CloudFormation, "cloudformation", "2010-05-15", "cloudformation");
    public static readonly ServiceDescriptor Sns = new(AwsServiceIds.Sns, "sns", "2010-03-31", "sns");
    public static readonly ServiceDescriptor CloudWatch = new(AwsServiceIds.CloudWatch, "monitoring", "2010-08-01", "monitoring");
    public static readonly ServiceDescriptor Lambda = new(AwsServiceIds.Lambda, "lambda", "2015-03-31", "lambda");
    public static readonly ServiceDescriptor DynamoDBStreams = new(AwsServiceIds.DynamoDBStreams, "dynamodb", "2012-08-10", "streams.dynamodb");

    /// <summary>The real regional endpoint, e.g. https://cloudformation.eu-west-1.amazonaws.com/.</summary>
    public Uri RegionalEndpoint(RegionEndpoint region)
    {
        var dnsSuffix = string.IsNullOrEmpty(region.PartitionDnsSuffix) ? "amazonaws.com" : region.PartitionDnsSuffix;
        return new Uri($"https://{EndpointPrefix}.{region.SystemName}.{dnsSuffix}/");
    }
}
