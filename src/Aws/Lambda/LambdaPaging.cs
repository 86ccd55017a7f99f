namespace OrderMonitoring.Aws.Lambda;

/// <summary>Follows NextMarker so no mapping is missed.</summary>
public static class LambdaPaging
{
    /// <summary>Every event source mapping of the function.</summary>
    public static Task<List<EventSourceMappingConfiguration>> ListAllEventSourceMappingsAsync(this IAmazonLambda client, string functionName,
        CancellationToken cancellationToken = default) =>
        Paging.ReadAllAsync(
            (marker, token) => client.ListEventSourceMappingsAsync(new ListEventSourceMappingsRequest { FunctionName = functionName, Marker = marker }, token),
            page => page.NextMarker, page => page.EventSourceMappings, cancellationToken);
}
