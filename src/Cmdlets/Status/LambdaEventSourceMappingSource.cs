using OrderMonitoring.Aws.Lambda;

namespace OrderMonitoring.Cmdlets.Status;

/// <summary>The function's event source mappings from Lambda ListEventSourceMappings, every page.</summary>
internal sealed class LambdaEventSourceMappingSource : IEventSourceMappingSource
{
    private readonly IAmazonLambda _lambda;

    public LambdaEventSourceMappingSource(IAmazonLambda lambda) => _lambda = lambda;

    public async Task<IReadOnlyList<EventSourceMappingStatus>> GetAsync(string functionName, CancellationToken cancellationToken) =>
        (await _lambda.ListAllEventSourceMappingsAsync(functionName, cancellationToken).ConfigureAwait(false))
            .Select(mapping => new EventSourceMappingStatus
            {
                Uuid = mapping.UUID ?? "",
                EventSourceArn = mapping.EventSourceArn,
                State = mapping.State ?? "",
                StateTransitionReason = mapping.StateTransitionReason,
                LastProcessingResult = mapping.LastProcessingResult,
                LastModified = mapping.LastModified,
            })
            .ToList();
}
