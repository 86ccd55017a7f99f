using System.Collections;
using Amazon.Runtime;

namespace OrderMonitoring.Aws;

/// <summary>
/// Names what an SDK client's failed call was: the SDK's exceptions carry the service's code and message but not the
/// operation nor the resource, which our own clients' <see cref="AwsServiceException"/> do name. Each SDK client the
/// factory builds records them on the exception it is about to throw, so an error can say "S3 GetObject on
/// s3://bucket/key failed" instead of "AWS failed".
/// </summary>
public static class SdkErrorNames
{
    private const string OperationKey = "OrderMonitoring.Operation";
    private const string ResourceKey = "OrderMonitoring.Resource";

    /// <summary>"S3 GetObject", when the exception came from a client built by <see cref="AwsClientFactory"/>; otherwise null.</summary>
    public static string? OperationOf(Exception error) => error?.Data[OperationKey] as string;

    /// <summary>"s3://bucket/key", a table name, a queue URL or a key id, when the request named one; otherwise null.</summary>
    public static string? ResourceOf(Exception error) => error?.Data[ResourceKey] as string;

    /// <summary>Makes <paramref name="client"/> record the operation and resource on every exception it throws.</summary>
    internal static T Recording<T>(T client, string serviceId)
        where T : AmazonServiceClient
    {
        client.ExceptionEvent += (_, args) =>
        {
            if (args is WebServiceExceptionEventArgs { Exception: { } error, Request: { } request })
            {
                var name = request.GetType().Name;
                error.Data[OperationKey] = serviceId + " " + (name.EndsWith("Request", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Request".Length) : name);
                if (Resource(request) is { } resource)
                {
                    error.Data[ResourceKey] = resource;
                }
            }
        };
        return client;
    }

    // The names requests of the services we call give their resource; batch requests name their tables by their keys.
    private static string? Resource(AmazonWebServiceRequest request)
    {
        string? Text(string property) => request.GetType().GetProperty(property)?.GetValue(request) as string is { Length: > 0 } text ? text : null;

        if (Text("BucketName") is { } bucket)
        {
            return Text("Key") is { } key ? $"s3://{bucket}/{key}" : Text("Prefix") is { } prefix ? $"s3://{bucket}/{prefix}" : $"s3://{bucket}";
        }

        if ((Text("TableName") ?? Text("QueueUrl") ?? Text("KeyId")) is { } named)
        {
            return named;
        }

        return request.GetType().GetProperty("RequestItems")?.GetValue(request) is IDictionary items && items.Count > 0
            ? string.Join(", ", items.Keys.Cast<object>())
            : null;
    }
}
