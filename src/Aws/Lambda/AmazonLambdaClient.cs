using System.Globalization;
using OrderMonitoring.Aws.Protocol;
using OrderMonitoring.Aws.Protocol.Json;

namespace OrderMonitoring.Aws.Lambda;

/// <summary>Our Lambda client (REST-JSON, signing name <c>lambda</c>; AWSSDK.Lambda is not available to us).</summary>
public sealed class AmazonLambdaClient : IAmazonLambda
{
    internal const string EventSourceMappingsPath = "2015-03-31/event-source-mappings/";
    private readonly RestJsonProtocol _protocol;

    /// <summary>A client for the connection's region and Lambda endpoint.</summary>
    public AmazonLambdaClient(AwsConnection connection, AwsRetryOptions? retry = null)
        => _protocol = new RestJsonProtocol(ServiceDescriptor.Lambda, connection, retry);

    /// <inheritdoc />
    public Task<ListEventSourceMappingsResponse> ListEventSourceMappingsAsync(ListEventSourceMappingsRequest request,
        CancellationToken cancellationToken = default)
    {
        if (request is null)
        {
            throw new ArgumentNullException(nameof(request));
        }

        return _protocol.GetAsync<ListEventSourceMappingsResponse>("ListEventSourceMappings", EventSourceMappingsPath, QueryOf(request), cancellationToken);
    }

    /// <summary>The query-string members, named as botocore's model names them (<c>locationName</c>).</summary>
    internal static IEnumerable<KeyValuePair<string, string?>> QueryOf(ListEventSourceMappingsRequest request) => new KeyValuePair<string, string?>[]
    {
        new("EventSourceArn", request.EventSourceArn),
        new("FunctionName", request.FunctionName),
        new("Marker", request.Marker),
        new("MaxItems", request.MaxItems?.ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>Nothing to release: the HTTP connection pool is shared by the process.</summary>
    public void Dispose()
    {
    }
}
