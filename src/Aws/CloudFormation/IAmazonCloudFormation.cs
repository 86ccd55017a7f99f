namespace OrderMonitoring.Aws.CloudFormation;

/// <summary>The CloudFormation operations we use, shaped like the SDK's interface so AWSSDK.CloudFormation can replace it.</summary>
public interface IAmazonCloudFormation : IDisposable
{
    /// <summary>Creates a change set (CREATE for a new stack, UPDATE for an existing one).</summary>
    Task<CreateChangeSetResponse> CreateChangeSetAsync(CreateChangeSetRequest request, CancellationToken cancellationToken = default);

    /// <summary>One page of a change set's description and changes; see <see cref="CloudFormationPaging"/> for all changes.</summary>
    Task<DescribeChangeSetResponse> DescribeChangeSetAsync(DescribeChangeSetRequest request, CancellationToken cancellationToken = default);

    /// <summary>Starts applying a change set.</summary>
    Task<ExecuteChangeSetResponse> ExecuteChangeSetAsync(ExecuteChangeSetRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes a change set that will not be executed.</summary>
    Task<DeleteChangeSetResponse> DeleteChangeSetAsync(DeleteChangeSetRequest request, CancellationToken cancellationToken = default);

    /// <summary>One page of stacks (one stack when <c>StackName</c> is set).</summary>
    Task<DescribeStacksResponse> DescribeStacksAsync(DescribeStacksRequest request, CancellationToken cancellationToken = default);

    /// <summary>One page of a stack's events, newest first.</summary>
    Task<DescribeStackEventsResponse> DescribeStackEventsAsync(DescribeStackEventsRequest request, CancellationToken cancellationToken = default);

    /// <summary>One page of a stack's resources.</summary>
    Task<ListStackResourcesResponse> ListStackResourcesAsync(ListStackResourcesRequest request, CancellationToken cancellationToken = default);

    /// <summary>Starts deleting a stack.</summary>
    Task<DeleteStackResponse> DeleteStackAsync(DeleteStackRequest request, CancellationToken cancellationToken = default);
}
