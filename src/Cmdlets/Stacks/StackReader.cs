using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudFormation;
using CfnStack = OrderMonitoring.Aws.CloudFormation.Stack;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>Reads order-monitoring stacks and turns them into <see cref="OrderMonitoring.Stack"/> objects.</summary>
internal sealed class StackReader
{
    private readonly IAmazonCloudFormation _cloudFormation;
    private readonly string _region;
    private readonly IStreamArnLookup? _streams;

    /// <param name="cloudFormation">The CloudFormation client.</param>
    /// <param name="region">The region, for the module objects.</param>
    /// <param name="streams">Finds a table's stream ARN when the output is missing; null: leave it empty.</param>
    public StackReader(IAmazonCloudFormation cloudFormation, string region, IStreamArnLookup? streams = null)
    {
        _cloudFormation = cloudFormation;
        _region = region;
        _streams = streams;
    }

    /// <summary>The region the stacks are read from.</summary>
    public string Region => _region;

    /// <summary>The stack as CloudFormation describes it, or null when it does not exist.</summary>
    public async Task<CfnStack?> DescribeAsync(string stackNameOrId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _cloudFormation.DescribeStacksAsync(new DescribeStacksRequest { StackName = stackNameOrId }, cancellationToken)
                .ConfigureAwait(false);
            return response.Stacks.FirstOrDefault();
        }
        catch (AmazonServiceException error) when (StackNotFound.Is(error))
        {
            return null;
        }
    }

    /// <summary>The stack as a module object, or null when it does not exist.</summary>
    public async Task<OrderMonitoring.Stack?> GetAsync(string stackName, CancellationToken cancellationToken) =>
        await DescribeAsync(stackName, cancellationToken).ConfigureAwait(false) is { } stack
            ? await ToModelAsync(stack, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>Every resource of the stack (all pages).</summary>
    public async Task<IReadOnlyList<StackResourceSummary>> ListResourcesAsync(string stackNameOrId, CancellationToken cancellationToken) =>
        await _cloudFormation.ListAllStackResourcesAsync(stackNameOrId, cancellationToken).ConfigureAwait(false);

    /// <summary>Every live stack named order-monitoring-&lt;environment&gt; in the region (all pages).</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <param name="fillMissingNames">False: skip the per-stack resource lookups for missing outputs (tab completion needs only names).</param>
    public async Task<IReadOnlyList<OrderMonitoring.Stack>> ListAsync(CancellationToken cancellationToken, bool fillMissingNames = true)
    {
        var found = new List<OrderMonitoring.Stack>();
        await Paging.ForEachPageAsync(
            (next, token) => _cloudFormation.DescribeStacksAsync(new DescribeStacksRequest { NextToken = next }, token),
            page => page.NextToken,
            async page =>
            {
                foreach (var stack in page.Stacks.Where(stack => EnvironmentName.FromStackName(stack.StackName) is not null
                    && stack.StackStatus != StackStatuses.DeleteComplete))
                {
                    found.Add(fillMissingNames ? await ToModelAsync(stack, cancellationToken).ConfigureAwait(false) : ToModel(stack));
                }
            },
            cancellationToken).ConfigureAwait(false);

        return found.OrderBy(stack => stack.StackName, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Every live order-monitoring stack in the region, each read on its own: a stack parked in REVIEW_IN_PROGRESS, or
    /// one whose resources cannot be listed, becomes a <see cref="StackReadFailure"/> and the others are still read.
    /// </summary>
    public async Task<StackListing> ReadAllAsync(CancellationToken cancellationToken)
    {
        var found = new List<OrderMonitoring.Stack>();
        var failures = new List<StackReadFailure>();
        await Paging.ForEachPageAsync(
            (next, token) => _cloudFormation.DescribeStacksAsync(new DescribeStacksRequest { NextToken = next }, token),
            page => page.NextToken,
            async page =>
            {
                foreach (var stack in page.Stacks.Where(stack => EnvironmentName.FromStackName(stack.StackName) is not null
                    && stack.StackStatus != StackStatuses.DeleteComplete))
                {
                    var read = await ReadAsync(stack, cancellationToken).ConfigureAwait(false);
                    if (read.Stack is not null)
                    {
                        found.Add(read.Stack);
                    }
                    else
                    {
                        failures.Add(read.Failure!);
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);

        return new StackListing(found.OrderBy(stack => stack.StackName, StringComparer.Ordinal).ToList(),
            failures.OrderBy(failure => failure.StackName, StringComparer.Ordinal).ToList());
    }

    /// <summary>One stack by name for showing: null when it does not exist; its failure when it cannot be shown.</summary>
    public async Task<(OrderMonitoring.Stack? Stack, StackReadFailure? Failure)> ReadAsync(string stackName, CancellationToken cancellationToken)
    {
        CfnStack? described;
        try
        {
            described = await DescribeAsync(stackName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested && error is not OperationCanceledException)
        {
            return (null, new StackReadFailure(stackName, StackReadErrors.Unreadable(stackName, error)));
        }

        return described is null ? (null, null) : await ReadAsync(described, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(OrderMonitoring.Stack? Stack, StackReadFailure? Failure)> ReadAsync(CfnStack stack, CancellationToken cancellationToken)
    {
        var name = stack.StackName ?? "";
        if (stack.StackStatus == StackStatuses.ReviewInProgress)
        {
            var environment = EnvironmentName.FromStackName(name) ?? name;
            return (null, new StackReadFailure(name, StackReadErrors.NotDeployed(name, environment)));
        }

        try
        {
            return (await ToModelAsync(stack, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested && error is not OperationCanceledException)
        {
            return (null, new StackReadFailure(name, StackReadErrors.Unreadable(name, error)));
        }
    }

    /// <summary>
    /// The module object, with every name it carries: an output that is missing (a stack whose update failed, a
    /// create that has not published its outputs, an emulator that drops them) is filled from the physical id of the
    /// resource behind it, and the stream ARN from the table itself.
    /// </summary>
    public async Task<OrderMonitoring.Stack> ToModelAsync(CfnStack stack, CancellationToken cancellationToken)
    {
        var model = ToModel(stack);
        if (!MissesNames(model) || stack.StackStatus == StackStatuses.DeleteComplete)
        {
            return model;
        }

        var resources = await ListResourcesAsync(stack.StackId ?? stack.StackName ?? "", cancellationToken).ConfigureAwait(false);
        var fallback = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in TemplateContract.Outputs.ResourceBehind)
        {
            if (resources.FirstOrDefault(r => r.LogicalResourceId == pair.Value && !string.IsNullOrEmpty(r.PhysicalResourceId)) is { } resource)
            {
                fallback[pair.Key] = resource.PhysicalResourceId!;
            }
        }

        foreach (var (output, kept) in KeptBucketNames(stack, model.Environment))
        {
            fallback[output] = kept;
        }

        if (model.DigestSigningKeyArn is null
            && resources.FirstOrDefault(r => r.LogicalResourceId == TemplateContract.Resources.DigestSigningKey && !string.IsNullOrEmpty(r.PhysicalResourceId)) is { } signingKey
            && SigningKeyArn(stack, signingKey.PhysicalResourceId!) is { } keyArn)
        {
            fallback[TemplateContract.Outputs.DigestSigningKeyArn] = keyArn;
        }

        if (model.RepairSigningKeyArn is null
            && resources.FirstOrDefault(r => r.LogicalResourceId == TemplateContract.Resources.RepairSigningKey && !string.IsNullOrEmpty(r.PhysicalResourceId)) is { } repairKey
            && SigningKeyArn(stack, repairKey.PhysicalResourceId!) is { } repairKeyArn)
        {
            fallback[TemplateContract.Outputs.RepairSigningKeyArn] = repairKeyArn;
        }

        if (Parameter(stack, TemplateContract.Parameters.OrderTableSource) == TemplateContract.BucketSources.Existing && model.Environment.Length > 0)
        {
            // A kept table is no resource of the stack: the template names it from the environment, and its stream was passed in.
            fallback[TemplateContract.Outputs.TableName] = OrderTableState.NameFor(model.Environment);
            if (Parameter(stack, TemplateContract.Parameters.OrderTableStreamArn) is { Length: > 0 } keptStream)
            {
                fallback[TemplateContract.Outputs.StreamArn] = keptStream;
            }
        }

        var table = model.TableName ?? (fallback.TryGetValue(TemplateContract.Outputs.TableName, out var name) ? name : null);
        if (model.StreamArn is null && !fallback.ContainsKey(TemplateContract.Outputs.StreamArn) && table is not null && _streams is not null
            && await _streams.FindAsync(table, cancellationToken).ConfigureAwait(false) is { Length: > 0 } streamArn)
        {
            fallback[TemplateContract.Outputs.StreamArn] = streamArn;
        }

        return ToModel(stack, fallback);
    }

    /// <summary>Maps CloudFormation's description (outputs, parameters) to the module's stack object.</summary>
    /// <param name="stack">The description.</param>
    /// <param name="fallback">Values for outputs the description lacks, by output key.</param>
    public OrderMonitoring.Stack ToModel(CfnStack stack, IReadOnlyDictionary<string, string>? fallback = null)
    {
        var outputs = stack.Outputs
            .Where(output => output.OutputKey is not null)
            .GroupBy(output => output.OutputKey!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First().OutputValue ?? "", StringComparer.Ordinal);
        string? Output(string key) => outputs.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : fallback is not null && fallback.TryGetValue(key, out var filled) ? filled : null;
        string? Parameter(string key) => stack.Parameters.FirstOrDefault(p => p.ParameterKey == key)?.ParameterValue;

        return new OrderMonitoring.Stack
        {
            StackName = stack.StackName ?? "",
            StackId = stack.StackId ?? "",
            Status = stack.StackStatus ?? "",
            StatusReason = stack.StackStatusReason,
            Environment = Output(TemplateContract.Outputs.EnvironmentSuffix) ?? Parameter(TemplateContract.Parameters.EnvironmentSuffix) ?? EnvironmentName.FromStackName(stack.StackName) ?? "",
            Region = _region,
            TableName = Output(TemplateContract.Outputs.TableName),
            StreamArn = Output(TemplateContract.Outputs.StreamArn),
            AuditBucketName = Output(TemplateContract.Outputs.AuditBucketName),
            TopicArn = Output(TemplateContract.Outputs.TopicArn),
            FunctionName = Output(TemplateContract.Outputs.FunctionName),
            FailureQueueUrl = Output(TemplateContract.Outputs.FailureQueueUrl),
            FailedBatchesBucketName = Output(TemplateContract.Outputs.FailedBatchesBucketName),
            DashboardName = Output(TemplateContract.Outputs.DashboardName),
            ProcessorTrigger = Output(TemplateContract.Outputs.ProcessorTrigger) ?? Parameter(TemplateContract.Parameters.ProcessorTrigger),
            AlertDetail = Parameter(TemplateContract.Parameters.AlertDetail),
            // moto publishes no outputs for stacks made by change sets: a key passed in is still named by its parameter.
            DigestSigningKeyArn = Output(TemplateContract.Outputs.DigestSigningKeyArn) ?? (Parameter(TemplateContract.Parameters.DigestSigningKeyArn) is { Length: > 0 } key ? key : null),
            RepairSigningKeyArn = Output(TemplateContract.Outputs.RepairSigningKeyArn) ?? (Parameter(TemplateContract.Parameters.RepairSigningKeyArn) is { Length: > 0 } repairKey ? repairKey : null),
            AuditObjectLockMode = Parameter(TemplateContract.Parameters.AuditObjectLockMode) is { Length: > 0 } lockMode ? lockMode : Stack.NoObjectLock,
            DigestSealSchedule = Output(TemplateContract.Outputs.DigestSealSchedule),
            DigestSealIntervalMinutes = int.TryParse(Parameter(TemplateContract.Parameters.DigestSealIntervalMinutes), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var sealMinutes) ? sealMinutes : null,
            CreationTime = stack.CreationTime,
            LastUpdatedTime = stack.LastUpdatedTime ?? stack.CreationTime,
            Outputs = outputs,
        };
    }

    /// <summary>
    /// The buckets a stack deployed with a bucket source of Existing writes to: not resources of the stack, so named by
    /// the template's rule from the environment and the account in the stack's ARN; by output key.
    /// </summary>
    private IEnumerable<(string Output, string Name)> KeptBucketNames(CfnStack stack, string environment)
    {
        var arnParts = (stack.StackId ?? "").Split(':');
        if (arnParts.Length <= 4 || arnParts[4].Length == 0 || environment.Length == 0)
        {
            yield break;
        }

        foreach (var bucket in RetainedBucket.All)
        {
            if (stack.Parameters.FirstOrDefault(p => p.ParameterKey == bucket.SourceParameter)?.ParameterValue == TemplateContract.BucketSources.Existing)
            {
                yield return (bucket.OutputKey, bucket.NameFor(environment, arnParts[4], _region));
            }
        }
    }

    private static string? Parameter(CfnStack stack, string key) => stack.Parameters.FirstOrDefault(p => p.ParameterKey == key)?.ParameterValue;

    // A key's physical id is its key id; the key lives in the stack's own partition, region and account.
    private static string? SigningKeyArn(CfnStack stack, string keyId)
    {
        if (keyId.StartsWith("arn:", StringComparison.Ordinal))
        {
            return keyId;
        }

        var arnParts = (stack.StackId ?? "").Split(':');
        return arnParts.Length > 4 && arnParts[1].Length > 0 && arnParts[3].Length > 0 && arnParts[4].Length > 0
            ? $"arn:{arnParts[1]}:kms:{arnParts[3]}:{arnParts[4]}:key/{keyId}"
            : null;
    }

    private static bool MissesNames(OrderMonitoring.Stack stack) =>
        stack.TableName is null || stack.StreamArn is null || stack.AuditBucketName is null || stack.TopicArn is null
        || stack.FunctionName is null || stack.FailureQueueUrl is null || stack.DashboardName is null;
}
