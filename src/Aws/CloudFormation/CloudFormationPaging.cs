namespace OrderMonitoring.Aws.CloudFormation;

/// <summary>Follows NextToken so callers never drop a page (what the SDK's paginators do).</summary>
public static class CloudFormationPaging
{
    /// <summary>The change set with the changes of every page.</summary>
    public static async Task<DescribeChangeSetResponse> DescribeChangeSetAllChangesAsync(this IAmazonCloudFormation client,
        DescribeChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        var all = await Paging.MergeAllAsync(
            (next, token) => client.DescribeChangeSetAsync(
                new DescribeChangeSetRequest { ChangeSetName = request.ChangeSetName, StackName = request.StackName, NextToken = next ?? request.NextToken }, token),
            page => page.NextToken, page => page.Changes, cancellationToken).ConfigureAwait(false);
        all.NextToken = null;
        return all;
    }

    /// <summary>Every resource of a stack.</summary>
    public static Task<List<StackResourceSummary>> ListAllStackResourcesAsync(this IAmazonCloudFormation client, string stackName,
        CancellationToken cancellationToken = default) =>
        Paging.ReadAllAsync(
            (next, token) => client.ListStackResourcesAsync(new ListStackResourcesRequest { StackName = stackName, NextToken = next }, token),
            page => page.NextToken, page => page.StackResourceSummaries, cancellationToken);
}
