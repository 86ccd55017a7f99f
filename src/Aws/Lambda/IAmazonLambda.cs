namespace OrderMonitoring.Aws.Lambda;

/// <summary>The Lambda operations we use, shaped like the SDK's interface so AWSSDK.Lambda could replace it.</summary>
public interface IAmazonLambda : IDisposable
{
    /// <summary>One page of event source mappings; see <see cref="LambdaPaging"/> for all of them.</summary>
    Task<ListEventSourceMappingsResponse> ListEventSourceMappingsAsync(ListEventSourceMappingsRequest request, CancellationToken cancellationToken = default);
}
