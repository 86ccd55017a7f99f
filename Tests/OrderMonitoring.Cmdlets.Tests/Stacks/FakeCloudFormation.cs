using System.Net;
using OrderMonitoring.Aws;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Stacks;

namespace OrderMonitoring.Cmdlets.Tests.Stacks;

/// <summary>A scripted CloudFormation: a queue of stack statuses, event pages, and a change set answer.</summary>
internal sealed class FakeCloudFormation : IAmazonCloudFormation
{
    public const string StackName = "order-monitoring-dev";
    public const string StackId = "arn:aws:cloudformation:us-east-1:123456789012:stack/order-monitoring-dev/1";

    public Queue<string?> Statuses { get; } = new();
    public List<StackEvent> Events { get; } = new(); // newest first
    public int EventPageSize { get; set; } = 100;
    public string ChangeSetStatus { get; set; } = "CREATE_COMPLETE";
    public string? ChangeSetReason { get; set; }
    public bool CreateChangeSetSaysNoUpdates { get; set; }
    public List<Change> Changes { get; } = new() { new Change { ResourceChange = new ResourceChange { Action = "Add", LogicalResourceId = "OrderEventsTable", ResourceType = "AWS::DynamoDB::Table" } } };
    public List<string> Calls { get; } = new();
    public Dictionary<string, string> Outputs { get; } = new() { ["OrderEventsTableName"] = "order-events-dev" };
    public List<Parameter> Parameters { get; } = new();
    public List<StackResourceSummary> Resources { get; } = new();

    /// <summary>More stacks a region-wide DescribeStacks (no StackName) lists after this one.</summary>
    public List<OrderMonitoring.Aws.CloudFormation.Stack> OtherStacks { get; } = new();

    /// <summary>ListStackResources fails with this for the stack of that name or id.</summary>
    public Dictionary<string, Exception> ResourceListingFailures { get; } = new(StringComparer.Ordinal);
    public int ResourcePageSize { get; set; } = 100;
    public Action? OnExecute { get; set; }
    public CreateChangeSetRequest? LastChangeSet { get; private set; }
    private string? _lastStatus;

    public Task<CreateChangeSetResponse> CreateChangeSetAsync(CreateChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        Calls.Add("CreateChangeSet:" + request.ChangeSetType);
        LastChangeSet = request;
        if (CreateChangeSetSaysNoUpdates)
        {
            throw new AwsServiceException("CloudFormation", "CreateChangeSet", "ValidationError", "No updates are to be performed.", "r1", HttpStatusCode.BadRequest, false);
        }

        return Task.FromResult(new CreateChangeSetResponse { Id = "cs-1", StackId = StackId });
    }

    public Task<DescribeChangeSetResponse> DescribeChangeSetAsync(DescribeChangeSetRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DescribeChangeSetResponse { Status = ChangeSetStatus, StatusReason = ChangeSetReason, StackId = StackId, Changes = Changes });

    public ExecuteChangeSetRequest? LastExecute { get; private set; }

    public Task<ExecuteChangeSetResponse> ExecuteChangeSetAsync(ExecuteChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        Calls.Add("ExecuteChangeSet");
        LastExecute = request;
        OnExecute?.Invoke();
        return Task.FromResult(new ExecuteChangeSetResponse());
    }

    public Task<DeleteChangeSetResponse> DeleteChangeSetAsync(DeleteChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        Calls.Add("DeleteChangeSet");
        return Task.FromResult(new DeleteChangeSetResponse());
    }

    public Task<DescribeStacksResponse> DescribeStacksAsync(DescribeStacksRequest request, CancellationToken cancellationToken = default)
    {
        var status = Statuses.Count > 0 ? Statuses.Dequeue() : _lastStatus;
        _lastStatus = status;
        if (status is null)
        {
            throw new AwsServiceException("CloudFormation", "DescribeStacks", "ValidationError", $"Stack with id {request.StackName} does not exist", "r2", HttpStatusCode.BadRequest, false);
        }

        var stack = new OrderMonitoring.Aws.CloudFormation.Stack { StackName = StackName, StackId = StackId, StackStatus = status };
        stack.Outputs.AddRange(Outputs.Select(output => new Output { OutputKey = output.Key, OutputValue = output.Value }));
        stack.Parameters.AddRange(Parameters);
        var response = new DescribeStacksResponse { Stacks = { stack } };
        if (request.StackName is null)
        {
            response.Stacks.AddRange(OtherStacks);
        }

        return Task.FromResult(response);
    }

    public Task<DescribeStackEventsResponse> DescribeStackEventsAsync(DescribeStackEventsRequest request, CancellationToken cancellationToken = default)
    {
        Calls.Add("DescribeStackEvents:" + (request.NextToken ?? "first"));
        var start = request.NextToken is null ? 0 : int.Parse(request.NextToken, System.Globalization.CultureInfo.InvariantCulture);
        var page = Events.Skip(start).Take(EventPageSize).ToList();
        var next = start + EventPageSize < Events.Count ? (start + EventPageSize).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new DescribeStackEventsResponse { StackEvents = page, NextToken = next });
    }

    public Task<ListStackResourcesResponse> ListStackResourcesAsync(ListStackResourcesRequest request, CancellationToken cancellationToken = default)
    {
        Calls.Add("ListStackResources:" + (request.NextToken ?? "first"));
        if (ResourceListingFailures.TryGetValue(request.StackName ?? "", out var failure))
        {
            return Task.FromException<ListStackResourcesResponse>(failure);
        }

        var start = request.NextToken is null ? 0 : int.Parse(request.NextToken, System.Globalization.CultureInfo.InvariantCulture);
        var next = start + ResourcePageSize < Resources.Count ? (start + ResourcePageSize).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        var response = new ListStackResourcesResponse { NextToken = next };
        response.StackResourceSummaries.AddRange(Resources.Skip(start).Take(ResourcePageSize));
        return Task.FromResult(response);
    }

    /// <summary>Adds a resource the stack lists.</summary>
    public void AddResource(string logicalId, string type, string? physicalId) =>
        Resources.Add(new StackResourceSummary { LogicalResourceId = logicalId, ResourceType = type, PhysicalResourceId = physicalId, ResourceStatus = "CREATE_COMPLETE" });

    public Task<DeleteStackResponse> DeleteStackAsync(DeleteStackRequest request, CancellationToken cancellationToken = default)
    {
        Calls.Add("DeleteStack");
        return Task.FromResult(new DeleteStackResponse());
    }

    /// <summary>Adds an event as the newest one.</summary>
    public void AddEvent(string id, string logicalId, string status, string? reason = null, string type = "AWS::DynamoDB::Table") =>
        Events.Insert(0, new StackEvent { EventId = id, StackName = StackName, LogicalResourceId = logicalId, ResourceStatus = status, ResourceStatusReason = reason, ResourceType = type });

    public void Dispose()
    {
    }
}
