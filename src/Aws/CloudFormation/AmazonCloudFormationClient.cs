using OrderMonitoring.Aws.Protocol;
using OrderMonitoring.Aws.Protocol.Query;

namespace OrderMonitoring.Aws.CloudFormation;

/// <summary>Our CloudFormation client (Query protocol, 2010-05-15) for the operations the stack cmdlets use.</summary>
public sealed class AmazonCloudFormationClient : IAmazonCloudFormation
{
    private readonly QueryProtocol _protocol;

    /// <summary>A client for the connection's region and CloudFormation endpoint.</summary>
    public AmazonCloudFormationClient(AwsConnection connection, AwsRetryOptions? retry = null)
        => _protocol = new QueryProtocol(ServiceDescriptor.CloudFormation, connection, retry);

    /// <inheritdoc />
    public async Task<CreateChangeSetResponse> CreateChangeSetAsync(CreateChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        var r = await _protocol.InvokeAsync(CloudFormationRequests.CreateChangeSet(request), cancellationToken).ConfigureAwait(false);
        return new CreateChangeSetResponse { Id = r.Text("Id"), StackId = r.Text("StackId") };
    }

    /// <inheritdoc />
    public async Task<DescribeChangeSetResponse> DescribeChangeSetAsync(DescribeChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        var r = await _protocol.InvokeAsync(CloudFormationRequests.DescribeChangeSet(request), cancellationToken).ConfigureAwait(false);
        return CloudFormationResults.ChangeSet(r);
    }

    /// <inheritdoc />
    public async Task<ExecuteChangeSetResponse> ExecuteChangeSetAsync(ExecuteChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        await _protocol.InvokeAsync(CloudFormationRequests.ExecuteChangeSet(request), cancellationToken).ConfigureAwait(false);
        return new ExecuteChangeSetResponse();
    }

    /// <inheritdoc />
    public async Task<DeleteChangeSetResponse> DeleteChangeSetAsync(DeleteChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        await _protocol.InvokeAsync(CloudFormationRequests.DeleteChangeSet(request), cancellationToken).ConfigureAwait(false);
        return new DeleteChangeSetResponse();
    }

    /// <inheritdoc />
    public async Task<DescribeStacksResponse> DescribeStacksAsync(DescribeStacksRequest request, CancellationToken cancellationToken = default)
    {
        var r = await _protocol.InvokeAsync(CloudFormationRequests.DescribeStacks(request), cancellationToken).ConfigureAwait(false);
        return new DescribeStacksResponse
        {
            Stacks = r.Members("Stacks").Select(CloudFormationResults.Stack).ToList(),
            NextToken = r.Text("NextToken"),
        };
    }

    /// <inheritdoc />
    public async Task<DescribeStackEventsResponse> DescribeStackEventsAsync(DescribeStackEventsRequest request, CancellationToken cancellationToken = default)
    {
        var r = await _protocol.InvokeAsync(CloudFormationRequests.DescribeStackEvents(request), cancellationToken).ConfigureAwait(false);
        return new DescribeStackEventsResponse
        {
            StackEvents = r.Members("StackEvents").Select(CloudFormationResults.StackEvent).ToList(),
            NextToken = r.Text("NextToken"),
        };
    }

    /// <inheritdoc />
    public async Task<ListStackResourcesResponse> ListStackResourcesAsync(ListStackResourcesRequest request, CancellationToken cancellationToken = default)
    {
        var r = await _protocol.InvokeAsync(CloudFormationRequests.ListStackResources(request), cancellationToken).ConfigureAwait(false);
        return new ListStackResourcesResponse
        {
            StackResourceSummaries = r.Members("StackResourceSummaries").Select(CloudFormationResults.ResourceSummary).ToList(),
            NextToken = r.Text("NextToken"),
        };
    }

    /// <inheritdoc />
    public async Task<DeleteStackResponse> DeleteStackAsync(DeleteStackRequest request, CancellationToken cancellationToken = default)
    {
        await _protocol.InvokeAsync(CloudFormationRequests.DeleteStack(request), cancellationToken).ConfigureAwait(false);
        return new DeleteStackResponse();
    }

    /// <summary>Nothing to release: the HTTP connection pool is shared by the process.</summary>
    public void Dispose()
    {
    }
}
