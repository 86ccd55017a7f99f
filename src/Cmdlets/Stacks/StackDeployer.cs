using System.Globalization;
using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudFormation;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// Creates or updates an order-monitoring stack the way <c>sam deploy</c> does: artifacts bucket, content-addressed
/// uploads, a change set, execution followed through the stack events. Also plans (-WhatIf) without changing anything.
/// </summary>
internal sealed class StackDeployer
{
    /// <summary>CloudFormation's limit for an inline template body.</summary>

    private readonly IAmazonCloudFormation _cloudFormation;
    private readonly ArtifactPublisher _artifacts;
    private readonly IAccountIdProvider _account;
    private readonly string _region;
    private readonly PollTiming _timing;
    private readonly StackReader _reader;
    private readonly StackEventWatcher _watcher;
    private readonly ChangeSetRunner _changeSets;
    private readonly IBucketProbe? _buckets;
    private readonly IOrderTableClient? _tables;
    private readonly ISigningKeyStore? _signingKeys;
    private readonly IBucketObjectLock? _objectLock;

    /// <param name="buckets">Finds an audit bucket kept by an earlier deployment; null: a create always makes a new bucket.</param>
    /// <param name="tables">Finds the order table an earlier deployment kept; null: a create always makes a new table.</param>
    /// <param name="signingKeys">Describes the signing keys a deployment passes in; null: they are not checked.</param>
    /// <param name="objectLock">Sets Object Lock on a kept audit bucket; null: a kept bucket is left as it is.</param>
    public StackDeployer(IAmazonCloudFormation cloudFormation, IArtifactStore artifacts, IAccountIdProvider account, string region, PollTiming timing,
        StackReader? reader = null, IBucketProbe? buckets = null, IOrderTableClient? tables = null, ISigningKeyStore? signingKeys = null,
        IBucketObjectLock? objectLock = null)
    {
        _signingKeys = signingKeys;
        _objectLock = objectLock;
        _buckets = buckets;
        _tables = tables;
        _cloudFormation = cloudFormation;
        _artifacts = new ArtifactPublisher(artifacts, account, region);
        _account = account;
        _region = region;
        _timing = timing;
        _reader = reader ?? new StackReader(cloudFormation, region);
        _watcher = new StackEventWatcher(cloudFormation, _reader, timing);
        _changeSets = new ChangeSetRunner(cloudFormation, timing);
    }

    public async Task<OrderMonitoring.Stack> DeployAsync(DeployRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        // -TimeoutSeconds bounds the whole deployment: replacing a failed stack, computing the change set and following
        // the execution share one deadline.
        var deadline = _timing.Now() + request.Timeout;
        TimeSpan Left() => deadline > _timing.Now() ? deadline - _timing.Now() : TimeSpan.Zero;
        // Another account's artifacts bucket is refused before anything changes: no stack replaced, nothing uploaded.
        var bucket = await _artifacts.BucketAsync(request.ArtifactBucketName, cancellationToken).ConfigureAwait(false);
        var described = await _reader.DescribeAsync(request.StackName, cancellationToken).ConfigureAwait(false);
        // Keys that cannot sign are refused before anything changes, like another account's artifacts bucket.
        await CheckSigningKeysAsync(request, described, reporter, cancellationToken).ConfigureAwait(false);
        await _artifacts.PrepareBucketAsync(bucket, reporter, cancellationToken).ConfigureAwait(false);
        var existing = await PrepareExistingAsync(request, described, Left(), reporter, cancellationToken).ConfigureAwait(false);
        request = request.ForArchitecture(StackParameters.ArchitectureOf(request, existing));
        var code = await _artifacts.PublishAsync(bucket, LocalArtifact.Of("processor", request.ProcessorZipPath), reporter, cancellationToken).ConfigureAwait(false);
        var template = LocalArtifact.Of("templates", request.TemplatePath);
        await _artifacts.PublishAsync(bucket, template, reporter, cancellationToken).ConfigureAwait(false);

        var keptSources = await KeptResourcesAsync(request, existing, reporter, cancellationToken).ConfigureAwait(false);
        var changeSet = BuildChangeSet(request, existing, bucket.Name, code.Key, code.VersionId, keptSources);
        var keptAuditBucket = await KeptAuditBucketAsync(request, keptSources, changeSet.Parameters, cancellationToken).ConfigureAwait(false);
        changeSet.TemplateURL = TemplateUrl(_region, bucket.Name, template.Key);
        // The code is pinned by its version; the template is read by CloudFormation from its key, so it is checked last.
        await _artifacts.VerifyAsync(bucket, template, reporter, cancellationToken).ConfigureAwait(false);
        var prepared = await _changeSets.CreateAsync(changeSet, Left(), reporter, cancellationToken).ConfigureAwait(false);
        if (!prepared.HasChanges)
        {
            if (prepared.Id is not null)
            {
                await _changeSets.DeleteAsync(prepared.Id, request.StackName, cancellationToken).ConfigureAwait(false);
            }

            reporter.Verbose($"Stack {request.StackName} is up to date; nothing to deploy.");
            if (StackParameters.Changes(existing, changeSet.Parameters) is { Count: > 0 } changes
                && string.Join(", ", changes) is var changed)
            {
                // Some services (moto among them) answer a parameter-only update with "no changes"; say so rather than
                // let the caller believe the new values were applied.
                reporter.Warning($"CloudFormation reported no changes for {request.StackName} although these parameters differ from the stack's: {changed}. "
                    + "The stack keeps its current values.");
            }

            var current = await _reader.GetAsync(request.StackName, cancellationToken).ConfigureAwait(false)
                ?? throw new OrderMonitoringException(StackNotFound.ErrorId, FailureKind.NotFound, $"Stack {request.StackName} disappeared during the deployment.",
                    "Someone deleted it meanwhile; run New-OrderMonitoringStack again to create it.");
            await ApplyObjectLockAsync(keptAuditBucket, changeSet.Parameters, reporter, cancellationToken).ConfigureAwait(false);
            return current;
        }

        var stackId = prepared.StackId ?? existing?.StackId ?? request.StackName;
        var boundary = await _watcher.LatestEventIdAsync(stackId, cancellationToken).ConfigureAwait(false);
        // The token makes a retried execute (after a timeout) the same request instead of an InvalidChangeSetStatus error.
        await _cloudFormation.ExecuteChangeSetAsync(
            new ExecuteChangeSetRequest { ChangeSetName = prepared.Id!, StackName = request.StackName, ClientRequestToken = changeSet.ChangeSetName },
            cancellationToken).ConfigureAwait(false);
        reporter.Verbose($"Executing {changeSet.ChangeSetType} change set with {prepared.Changes.Count} resource changes.");

        var result = await _watcher.WatchAsync(stackId, boundary, prepared.Changes.Count, $"Deploying {request.StackName}", Left(),
            reporter, cancellationToken).ConfigureAwait(false);
        if (result.Stack is { } final && StackStatuses.IsSuccess(final.StackStatus))
        {
            await ApplyObjectLockAsync(keptAuditBucket, changeSet.Parameters, reporter, cancellationToken).ConfigureAwait(false);
            return await _reader.ToModelAsync(final, cancellationToken).ConfigureAwait(false);
        }

        throw DeploymentFailed(request.StackName, result);
    }

    /// <summary>
    /// What a deployment would change: a change set created from the template body, listed, then deleted together with
    /// the empty stack a CREATE change set parks, even when computing it fails, times out or is cancelled.
    /// </summary>
    public async Task<IReadOnlyList<StackChange>> PlanAsync(DeployRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var existing = await _reader.DescribeAsync(request.StackName, cancellationToken).ConfigureAwait(false);
        var replacing = existing?.StackStatus == StackStatuses.RollbackComplete;
        if (replacing && !request.ReplaceFailedStack)
        {
            throw RollbackCompleteExplained(request.StackName, existing!);
        }

        var body = TemplateBody.Of(File.ReadAllText(request.TemplatePath));
        if (!TemplateBody.Fits(body))
        {
            throw new OrderMonitoringException("TemplateTooLargeToPlan", FailureKind.InvalidState,
                $"The template is larger than {TemplateBody.MaxBytes} bytes even without its whitespace and can only be planned after an upload.", "Deploy without -WhatIf.");
        }

        var bucket = await _artifacts.BucketAsync(request.ArtifactBucketName, cancellationToken).ConfigureAwait(false);
        await CheckSigningKeysAsync(request, existing, reporter, cancellationToken).ConfigureAwait(false);
        var updating = replacing ? null : existing;
        request = request.ForArchitecture(StackParameters.ArchitectureOf(request, updating));
        var code = LocalArtifact.Of("processor", request.ProcessorZipPath);
        var codeVersion = await _artifacts.PlannedVersionAsync(bucket, code, cancellationToken).ConfigureAwait(false);
        var keptSources = await KeptResourcesAsync(request, updating, reporter, cancellationToken).ConfigureAwait(false);
        var changeSet = BuildChangeSet(request, updating, bucket.Name, code.Key, codeVersion, keptSources);
        var keptAuditBucket = await KeptAuditBucketAsync(request, keptSources, changeSet.Parameters, cancellationToken).ConfigureAwait(false);
        var lockChange = _objectLock is null ? null
            : await new AuditObjectLock(_objectLock).PlannedAsync(keptAuditBucket, changeSet.Parameters, cancellationToken).ConfigureAwait(false);
        if (replacing)
        {
            // A ROLLBACK_COMPLETE stack takes no change set. -Force would delete it and create the stack anew, so the
            // new stack is planned under a name of its own (resource names come from the environment, not the stack name).
            changeSet.StackName = $"{request.StackName}-plan-{changeSet.ChangeSetName.Substring("order-monitoring-".Length)}";
            reporter.Warning($"Stack {request.StackName} is in ROLLBACK_COMPLETE; with -Force it is deleted and created anew, as planned below.");
        }

        changeSet.TemplateBody = body;
        // Only a stack this plan creates is deleted afterwards; an empty REVIEW_IN_PROGRESS stack that was already
        // there (someone else's change sets may be under review on it) is left alone.
        var createsStack = existing is null || replacing;
        string? changeSetToDelete = null;
        string? stackToDelete = null;
        try
        {
            var prepared = await _changeSets.CreateAsync(changeSet, request.Timeout, reporter, cancellationToken, response =>
            {
                changeSetToDelete = response.Id ?? changeSet.ChangeSetName;
                stackToDelete = createsStack ? response.StackId : null;
            }).ConfigureAwait(false);
            changeSetToDelete = prepared.Id;
            // Parameter changes first: a resource list alone does not show that, say, the trigger goes back to Lambda.
            var planned = StackParameters.Changes(updating, changeSet.Parameters).Select(change => ParameterPlanned(request.StackName, change))
                .Concat(prepared.Changes.Select(change => ToPlanned(request.StackName, change))).ToList();
            if (replacing)
            {
                planned.Insert(0, RemovalOf(request.StackName, existing!));
            }

            if (lockChange is { } change)
            {
                planned.Add(ObjectLockPlanned(request.StackName, keptAuditBucket!, change.Current, change.Wanted));
            }

            return planned;
        }
        finally
        {
            await CleanUpPlanAsync(changeSet.StackName, changeSetToDelete, stackToDelete, reporter).ConfigureAwait(false);
        }
    }

    private async Task CleanUpPlanAsync(string stackName, string? changeSetId, string? stackIdToDelete, IOperationReporter reporter)
    {
        // Not cancellable on purpose: a Ctrl+C must not leave the planning change set (or its empty stack) behind. A
        // failed clean-up is reported, not thrown, so it never hides the error that ended the plan.
        try
        {
            if (changeSetId is not null)
            {
                await _changeSets.DeleteAsync(changeSetId, stackName, CancellationToken.None).ConfigureAwait(false);
            }

            if (stackIdToDelete is not null)
            {
                // A CREATE change set parks an empty REVIEW_IN_PROGRESS stack; planning must leave nothing behind.
                await _cloudFormation.DeleteStackAsync(new DeleteStackRequest { StackName = stackIdToDelete }, CancellationToken.None).ConfigureAwait(false);
            }

            if (changeSetId is not null || stackIdToDelete is not null)
            {
                reporter.Verbose($"Deleted the planning change set for {stackName}.");
            }
        }
        catch (Exception error) when (error is AmazonServiceException or HttpRequestException or TimeoutException)
        {
            reporter.Warning($"Could not delete the planning change set {changeSetId} of stack {stackName} ({error.Message}). "
                + (stackIdToDelete is null
                    ? "Delete it with 'aws cloudformation delete-change-set'."
                    : $"Delete the empty stack with 'aws cloudformation delete-stack --stack-name {stackIdToDelete}'."));
        }
    }

    private static StackChange RemovalOf(string stackName, CfnStack failed) => new()
    {
        StackName = stackName,
        Action = "Remove",
        LogicalResourceId = stackName,
        PhysicalResourceId = failed.StackId,
        ResourceType = "AWS::CloudFormation::Stack",
    };

    private async Task<CfnStack?> PrepareExistingAsync(DeployRequest request, CfnStack? existing, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (existing is null)
        {
            return null;
        }

        if (StackStatuses.IsInProgress(existing.StackStatus))
        {
            throw new OrderMonitoringException("StackBusy", FailureKind.InvalidState,
                $"Stack {request.StackName} is {existing.StackStatus}; another operation is running on it.",
                "Wait until it finishes (Get-OrderMonitoringStack shows the status), then run again.");
        }

        if (existing.StackStatus != StackStatuses.RollbackComplete)
        {
            return existing;
        }

        if (!request.ReplaceFailedStack)
        {
            throw RollbackCompleteExplained(request.StackName, existing);
        }

        reporter.Warning($"Stack {request.StackName} is in ROLLBACK_COMPLETE from an earlier failed create; deleting it to create it anew (-Force).");
        await new StackRemover(_cloudFormation, _watcher).RemoveAsync(existing, timeout, reporter, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private CreateChangeSetRequest BuildChangeSet(DeployRequest request, CfnStack? existing, string bucket, string codeKey, string codeVersion,
        IReadOnlyDictionary<string, string> keptSources)
    {
        var name = "order-monitoring-" + _timing.Now().ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var creating = IsCreate(existing);
        return new CreateChangeSetRequest
        {
            StackName = request.StackName,
            ChangeSetName = name,
            // A retry of a request that timed out must find its own change set, not fail with AlreadyExists.
            ClientToken = name,
            ChangeSetType = creating ? ChangeSetType.CREATE : ChangeSetType.UPDATE,
            Capabilities = new List<string> { Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM },
            Parameters = StackParameters.For(request, creating ? null : existing, new ProcessorCode(bucket, codeKey, codeVersion), keptSources),
            Tags = request.Tags.Select(tag => new Tag { Key = tag.Key, Value = tag.Value }).ToList(),
            Description = "Deployed by the OrderMonitoring PowerShell module",
        };
    }

    private static bool IsCreate(CfnStack? existing) => existing is null || existing.StackStatus == StackStatuses.ReviewInProgress;

    /// <summary>
    /// The parameters of the resources a removal keeps: New or Existing for each retained bucket and the order table,
    /// and the kept table's stream. An update keeps the stack's choices (a stack from before a parameter existed owns
    /// its resource: New). A create uses each bucket and the table an earlier deployment of the environment kept (see
    /// <see cref="RetainedBucket"/>).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> KeptResourcesAsync(DeployRequest request, CfnStack? existing, IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        var sources = RetainedBucket.All.Select(bucket => bucket.SourceParameter).Append(TemplateContract.Parameters.OrderTableSource)
            .ToDictionary(parameter => parameter, _ => TemplateContract.BucketSources.New, StringComparer.Ordinal);
        sources[TemplateContract.Parameters.OrderTableStreamArn] = "";
        if (!IsCreate(existing))
        {
            foreach (var parameter in existing!.Parameters.Where(p => p.ParameterKey is not null && sources.ContainsKey(p.ParameterKey)))
            {
                sources[parameter.ParameterKey!] = parameter.ParameterValue ?? "";
            }

            if (sources[TemplateContract.Parameters.OrderTableSource] == TemplateContract.BucketSources.Existing && _tables is not null)
            {
                // The stream of a kept table changes when someone turns it off and on again: pass the one it has now.
                var table = await KeptTableAsync(request.Environment, cancellationToken).ConfigureAwait(false)
                    ?? throw KeptTableGone(request.StackName, OrderTableState.NameFor(request.Environment));
                sources[TemplateContract.Parameters.OrderTableStreamArn] = table.StreamArn!;
            }

            return sources;
        }

        if (_tables is not null && await KeptTableAsync(request.Environment, cancellationToken).ConfigureAwait(false) is { } kept)
        {
            sources[TemplateContract.Parameters.OrderTableSource] = TemplateContract.BucketSources.Existing;
            sources[TemplateContract.Parameters.OrderTableStreamArn] = kept.StreamArn!;
            reporter.Warning($"The order table {kept.Name} was kept from an earlier deployment of {request.Environment}; the stack uses it and its stream, "
                + "so its orders are still there (the table stays outside the stack; Remove-OrderMonitoringStack -DeleteOrderTable deletes it).");
        }

        if (_buckets is null)
        {
            return sources;
        }

        foreach (var (bucket, name) in await new KeptBuckets(_account, _buckets, _region).FindAsync(request.Environment, cancellationToken).ConfigureAwait(false))
        {
            sources[bucket.SourceParameter] = TemplateContract.BucketSources.Existing;
            reporter.Warning($"The {bucket.Description} bucket {name} was kept from an earlier deployment of {request.Environment}; the stack writes to it and its history continues "
                + "(the bucket stays outside the stack, with its own settings; Remove-OrderMonitoringStack -DeleteAuditData still deletes it).");
        }

        return sources;
    }

    /// <summary>The environment's kept order table when it exists; an error when it exists but a stack cannot use it.</summary>
    private async Task<OrderTableState?> KeptTableAsync(string environment, CancellationToken cancellationToken)
    {
        var name = OrderTableState.NameFor(environment);
        var table = await _tables!.DescribeAsync(name, cancellationToken).ConfigureAwait(false);
        if (table?.Unusable() is { } problem)
        {
            throw new OrderMonitoringException("KeptOrderTableUnusable", FailureKind.InvalidState,
                $"The order table {name} exists (kept from an earlier deployment of {environment}), but the stack cannot use it: {problem}.",
                table.Status == "DELETING"
                    ? "Wait until the deletion has finished, then deploy again."
                    : !table.HasOrderKey
                    ? $"A table of another key cannot hold the orders: move what it holds elsewhere and delete it, or deploy under another environment name."
                    : $"Give it a stream of type {OrderTableState.RequiredStreamViewType} (aws dynamodb update-table --table-name {name} --stream-specification "
                      + $"StreamEnabled=true,StreamViewType={OrderTableState.RequiredStreamViewType}), or delete it with Remove-OrderMonitoringStack -DeleteOrderTable if its orders may go.");
        }

        return table;
    }

    private static OrderMonitoringException KeptTableGone(string stackName, string table) =>
        new("KeptOrderTableMissing", FailureKind.NotFound,
            $"Stack {stackName} uses the kept order table {table} (OrderTableSource=Existing), but the table no longer exists.",
            "Remove the stack with Remove-OrderMonitoringStack and deploy it again; the new stack creates a new table.");

    private Task CheckSigningKeysAsync(DeployRequest request, CfnStack? described, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _signingKeys is null
            ? Task.CompletedTask
            : new SigningKeyCheck(_signingKeys).CheckAsync(request, IsCreate(described) || described!.StackStatus == StackStatuses.RollbackComplete ? null : described,
                reporter, cancellationToken);

    /// <summary>The kept audit bucket's name when the stack uses one (AuditBucketSource=Existing); null when the stack owns its bucket. Also refuses days without a mode.</summary>
    private async Task<string?> KeptAuditBucketAsync(DeployRequest request, IReadOnlyDictionary<string, string> keptSources, IEnumerable<Parameter> parameters,
        CancellationToken cancellationToken)
    {
        AuditObjectLock.CheckDays(request, parameters);
        if (!keptSources.TryGetValue(RetainedBucket.Audit.SourceParameter, out var source) || source != TemplateContract.BucketSources.Existing)
        {
            return null;
        }

        return RetainedBucket.Audit.NameFor(request.Environment, await _account.GetAccountIdAsync(cancellationToken).ConfigureAwait(false), _region);
    }

    private Task ApplyObjectLockAsync(string? keptAuditBucket, IEnumerable<Parameter> parameters, IOperationReporter reporter, CancellationToken cancellationToken) =>
        _objectLock is null ? Task.CompletedTask : new AuditObjectLock(_objectLock).ApplyAsync(keptAuditBucket, parameters, reporter, cancellationToken);

    private static StackChange ObjectLockPlanned(string stackName, string bucket, ObjectLockSetting? current, ObjectLockSetting wanted) => new()
    {
        StackName = stackName,
        Action = "Modify",
        LogicalResourceId = $"{TemplateContract.Resources.AuditBucket} (kept: {bucket})",
        PhysicalResourceId = $"Object Lock {current?.ToString() ?? "off"} -> {wanted}",
        ResourceType = "AWS::S3::Bucket",
    };

    /// <summary>The uploaded template's S3 URL in the region's partition (amazonaws.com, amazonaws.com.cn, ...).</summary>
    internal static string TemplateUrl(string region, string bucket, string key) =>
        $"https://s3.{region}.{Amazon.RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix}/{bucket}/{key}";

    private static StackChange ParameterPlanned(string stackName, ParameterChange change) => new()
    {
        StackName = stackName,
        Action = "Modify",
        LogicalResourceId = change.Key,
        PhysicalResourceId = $"{change.Current} -> {change.Requested}",
        ResourceType = "Parameter",
    };

    private static StackChange ToPlanned(string stackName, Change change) => new()
    {
        StackName = stackName,
        Action = change.ResourceChange?.Action ?? change.Type ?? "",
        LogicalResourceId = change.ResourceChange?.LogicalResourceId ?? "",
        PhysicalResourceId = change.ResourceChange?.PhysicalResourceId,
        ResourceType = change.ResourceChange?.ResourceType ?? "",
        Replacement = change.ResourceChange?.Replacement,
    };

    private static OrderMonitoringException RollbackCompleteExplained(string stackName, CfnStack stack) =>
        new("StackInRollbackComplete", FailureKind.InvalidState,
            $"Stack {stackName} is in ROLLBACK_COMPLETE: an earlier create failed ({stack.StackStatusReason ?? "see its events"}) and "
            + "CloudFormation cannot update such a stack; it can only be deleted.",
            "Run New-OrderMonitoringStack again with -Force to delete it and create it anew, or remove it with Remove-OrderMonitoringStack.");

    private static OrderMonitoringException DeploymentFailed(string stackName, WatchResult result)
    {
        var status = result.Stack?.StackStatus ?? "deleted";
        var failure = StackEventWatcher.FirstFailure(result.Events);
        var cause = failure is null
            ? result.Stack?.StackStatusReason ?? "CloudFormation reported no failed resource."
            : $"First failure: {failure.LogicalResourceId} ({failure.ResourceType}) {failure.ResourceStatus}: {failure.ResourceStatusReason}";
        var advice = status == StackStatuses.RollbackComplete
            ? "Fix the cause, then run New-OrderMonitoringStack with -Force: the failed stack is in ROLLBACK_COMPLETE and must be replaced."
            : "Fix the cause named above and run New-OrderMonitoringStack again; the stack was rolled back to its previous state.";
        return new OrderMonitoringException("StackDeploymentFailed", FailureKind.OperationFailed, $"Deploying stack {stackName} ended in {status}. {cause}", advice);
    }
}
