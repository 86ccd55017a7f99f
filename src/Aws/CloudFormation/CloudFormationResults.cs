using System.Xml.Linq;
using OrderMonitoring.Aws.Protocol.Query;

namespace OrderMonitoring.Aws.CloudFormation;

/// <summary>XML result -> typed responses for CloudFormation.</summary>
internal static class CloudFormationResults
{
    public static DescribeChangeSetResponse ChangeSet(XElement r) => new()
    {
        ChangeSetName = r.Text("ChangeSetName"),
        ChangeSetId = r.Text("ChangeSetId"),
        StackId = r.Text("StackId"),
        StackName = r.Text("StackName"),
        Description = r.Text("Description"),
        Parameters = Parameters(r),
        CreationTime = r.Time("CreationTime"),
        ExecutionStatus = r.Text("ExecutionStatus"),
        Status = r.Text("Status"),
        StatusReason = r.Text("StatusReason"),
        NotificationARNs = r.Strings("NotificationARNs"),
        Capabilities = r.Strings("Capabilities"),
        Tags = Tags(r),
        Changes = r.Members("Changes").Select(static c => new Change
        {
            Type = c.Text("Type"),
            ResourceChange = c.Child("ResourceChange") is { } rc ? ResourceChange(rc) : null,
        }).ToList(),
        NextToken = r.Text("NextToken"),
    };

    public static Stack Stack(XElement s) => new()
    {
        StackId = s.Text("StackId"),
        StackName = s.Text("StackName"),
        ChangeSetId = s.Text("ChangeSetId"),
        Description = s.Text("Description"),
        Parameters = Parameters(s),
        CreationTime = s.Time("CreationTime"),
        LastUpdatedTime = s.Time("LastUpdatedTime"),
        DeletionTime = s.Time("DeletionTime"),
        StackStatus = s.Text("StackStatus"),
        StackStatusReason = s.Text("StackStatusReason"),
        DetailedStatus = s.Text("DetailedStatus"),
        DisableRollback = s.Bool("DisableRollback"),
        NotificationARNs = s.Strings("NotificationARNs"),
        TimeoutInMinutes = s.Int("TimeoutInMinutes"),
        Capabilities = s.Strings("Capabilities"),
        Outputs = s.Members("Outputs").Select(static o => new Output
        {
            OutputKey = o.Text("OutputKey"),
            OutputValue = o.Text("OutputValue"),
            Description = o.Text("Description"),
            ExportName = o.Text("ExportName"),
        }).ToList(),
        RoleARN = s.Text("RoleARN"),
        Tags = Tags(s),
        EnableTerminationProtection = s.Bool("EnableTerminationProtection"),
        ParentId = s.Text("ParentId"),
        RootId = s.Text("RootId"),
    };

    public static StackEvent StackEvent(XElement e) => new()
    {
        StackId = e.Text("StackId"),
        EventId = e.Text("EventId"),
        StackName = e.Text("StackName"),
        LogicalResourceId = e.Text("LogicalResourceId"),
        PhysicalResourceId = e.Text("PhysicalResourceId"),
        ResourceType = e.Text("ResourceType"),
        Timestamp = e.Time("Timestamp"),
        ResourceStatus = e.Text("ResourceStatus"),
        ResourceStatusReason = e.Text("ResourceStatusReason"),
        ResourceProperties = e.Text("ResourceProperties"),
        ClientRequestToken = e.Text("ClientRequestToken"),
        DetailedStatus = e.Text("DetailedStatus"),
    };

    public static StackResourceSummary ResourceSummary(XElement s) => new()
    {
        LogicalResourceId = s.Text("LogicalResourceId"),
        PhysicalResourceId = s.Text("PhysicalResourceId"),
        ResourceType = s.Text("ResourceType"),
        LastUpdatedTimestamp = s.Time("LastUpdatedTimestamp"),
        ResourceStatus = s.Text("ResourceStatus"),
        ResourceStatusReason = s.Text("ResourceStatusReason"),
    };

    private static ResourceChange ResourceChange(XElement rc) => new()
    {
        Action = rc.Text("Action"),
        LogicalResourceId = rc.Text("LogicalResourceId"),
        PhysicalResourceId = rc.Text("PhysicalResourceId"),
        ResourceType = rc.Text("ResourceType"),
        Replacement = rc.Text("Replacement"),
        Scope = rc.Strings("Scope"),
        Details = rc.Members("Details").Select(static d => new ResourceChangeDetail
        {
            Target = d.Child("Target") is { } t
                ? new ResourceTargetDefinition { Attribute = t.Text("Attribute"), Name = t.Text("Name"), RequiresRecreation = t.Text("RequiresRecreation") }
                : null,
            Evaluation = d.Text("Evaluation"),
            ChangeSource = d.Text("ChangeSource"),
            CausingEntity = d.Text("CausingEntity"),
        }).ToList(),
    };

    private static List<Parameter> Parameters(XElement parent) =>
        parent.Members("Parameters").Select(static p => new Parameter
        {
            ParameterKey = p.Text("ParameterKey"),
            ParameterValue = p.Text("ParameterValue"),
            UsePreviousValue = p.Bool("UsePreviousValue"),
            ResolvedValue = p.Text("ResolvedValue"),
        }).ToList();

    private static List<Tag> Tags(XElement parent) =>
        parent.Members("Tags").Select(static t => new Tag { Key = t.Text("Key") ?? "", Value = t.Text("Value") ?? "" }).ToList();
}
