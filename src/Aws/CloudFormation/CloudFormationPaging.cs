using System.Runtime.CompilerServices;

namespace OrderMonitoring.Aws.CloudFormation;

/// <summary>Follows NextToken so callers never drop a page (what the SDK's paginators do).</summary>
public static class CloudFormationPaging
{
    /// <summary>The change set with the changes of every page.</summary>
    public static async Task<DescribeChangeSetResponse> DescribeChangeSetAllChangesAsync(this IAmazonCloudFormation client,
        DescribeChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        var page = new DescribeChangeSetRequest { ChangeSetName = request.ChangeSetName, StackName = request.StackName, NextToken = request.NextToken };
        var first = await client.DescribeChangeSetAsync(page, cancellationToken).ConfigureAwait(false);
        var next = first.NextToken;
        while (!string.IsNullOrEmpty(next))
        {
            page.NextToken = next;
            var more = await client.DescribeChangeSetAsync(page, cancellationToken).ConfigureAwait(false);
            first.Changes.AddRange(more.Changes);
            next = more.NextToken;
        }

        first.NextToken = null;
        return first;
    }

    /// <summary>Every event of a stack, newest first.</summary>
    public static async IAsyncEnumerable<StackEvent> DescribeAllStackEventsAsync(this IAmazonCloudFormation client, string stackName,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? next = null;
        do
        {
            var page = await client.DescribeStackEventsAsync(new DescribeStackEventsRequest { StackName = stackName, NextToken = next }, cancellationToken)
                .ConfigureAwait(false);
            foreach (var stackEvent in page.StackEvents)
            {
                yield return stackEvent;
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));
    }

    /// <summary>Every resource of a stack.</summary>
    public static async IAsyncEnumerable<StackResourceSummary> ListAllStackResourcesAsync(this IAmazonCloudFormation client, string stackName,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? next = null;
        do
        {
            var page = await client.ListStackResourcesAsync(new ListStackResourcesRequest { StackName = stackName, NextToken = next }, cancellationToken)
                .ConfigureAwait(false);
            foreach (var summary in page.StackResourceSummaries)
            {
                yield return summary;
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));
    }
}
