using Amazon.Runtime;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>A change set that is ready to execute (or that contains nothing).</summary>
/// <param name="Id">Change set id; null when CloudFormation refused to create one because nothing changes.</param>
/// <param name="StackId">Id of the stack (for CREATE, the REVIEW_IN_PROGRESS stack the change set made).</param>
/// <param name="HasChanges">False for both "no changes" answers.</param>
/// <param name="Changes">The resource changes, all pages.</param>
internal sealed record PreparedChangeSet(string? Id, string? StackId, bool HasChanges, IReadOnlyList<Change> Changes);

/// <summary>Creates a change set, waits until CloudFormation has computed it and recognises "nothing to change".</summary>
internal sealed class ChangeSetRunner
{
    private readonly IAmazonCloudFormation _cloudFormation;
    private readonly PollTiming _timing;

    public ChangeSetRunner(IAmazonCloudFormation cloudFormation, PollTiming timing)
    {
        _cloudFormation = cloudFormation;
        _timing = timing;
    }

    /// <param name="onCreated">Told the change set's and stack's ids as soon as CloudFormation has accepted the request,
    /// so a caller can clean up even when waiting for the change set fails, times out or is cancelled.</param>
    public async Task<PreparedChangeSet> CreateAsync(CreateChangeSetRequest request, TimeSpan timeout, IOperationReporter reporter,
        CancellationToken cancellationToken, Action<CreateChangeSetResponse>? onCreated = null)
    {
        CreateChangeSetResponse created;
        try
        {
            created = await _cloudFormation.CreateChangeSetAsync(request, cancellationToken).ConfigureAwait(false);
            onCreated?.Invoke(created);
        }
        catch (AmazonServiceException error) when (IsNoChanges(error.Message))
        {
            // moto (and UpdateStack) answer an empty update with "ValidationError: No updates are to be performed."
            reporter.Verbose($"CloudFormation: {error.Message}");
            return new PreparedChangeSet(null, null, false, Array.Empty<Change>());
        }

        reporter.Verbose($"Created change set {request.ChangeSetName} ({request.ChangeSetType}).");
        var deadline = _timing.Now() + timeout;
        while (true)
        {
            var described = await _cloudFormation.DescribeChangeSetAllChangesAsync(
                new DescribeChangeSetRequest { ChangeSetName = created.Id ?? request.ChangeSetName, StackName = request.StackName }, cancellationToken)
                .ConfigureAwait(false);
            switch (described.Status)
            {
                case "CREATE_COMPLETE":
                    return new PreparedChangeSet(created.Id, created.StackId ?? described.StackId, described.Changes.Count > 0, described.Changes);
                case "FAILED" when IsNoChanges(described.StatusReason):
                    // The real service's way: a FAILED change set whose reason says it has no changes.
                    reporter.Verbose($"CloudFormation: {described.StatusReason}");
                    await DeleteAsync(created.Id ?? request.ChangeSetName, request.StackName, cancellationToken).ConfigureAwait(false);
                    return new PreparedChangeSet(null, created.StackId ?? described.StackId, false, Array.Empty<Change>());
                case "FAILED":
                    throw new OrderMonitoringException("ChangeSetFailed", FailureKind.OperationFailed,
                        $"CloudFormation could not create the change set for {request.StackName}: {described.StatusReason}",
                        "Fix the cause named above (template, parameters, permissions) and run again.");
            }

            if (_timing.Now() >= deadline)
            {
                throw new OrderMonitoringException("ChangeSetTimedOut", FailureKind.Timeout,
                    $"The change set for {request.StackName} was still {described.Status} after {timeout.TotalSeconds:0} s.",
                    "Run again with a larger -TimeoutSeconds.");
            }

            await _timing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task DeleteAsync(string changeSetId, string stackName, CancellationToken cancellationToken) =>
        _cloudFormation.DeleteChangeSetAsync(new DeleteChangeSetRequest { ChangeSetName = changeSetId, StackName = stackName }, cancellationToken);

    internal static bool IsNoChanges(string? reason) =>
        reason is not null
        && (reason.IndexOf("didn't contain changes", StringComparison.OrdinalIgnoreCase) >= 0
            || reason.IndexOf("No updates are to be performed", StringComparison.OrdinalIgnoreCase) >= 0);
}
