using OrderMonitoring.Aws.Protocol;
using OrderMonitoring.Aws.Protocol.Query;

namespace OrderMonitoring.Aws.CloudFormation;

/// <summary>Request -> form fields for each CloudFormation operation (tests check them against the service model).</summary>
internal static class CloudFormationRequests
{
    private static string Version => ServiceDescriptor.CloudFormation.ApiVersion;

    public static QueryParameters CreateChangeSet(CreateChangeSetRequest r) =>
        new QueryParameters("CreateChangeSet", Version)
            .Add("StackName", r.StackName)
            .Add("ChangeSetName", r.ChangeSetName)
            .Add("ChangeSetType", r.ChangeSetType)
            .Add("TemplateBody", r.TemplateBody)
            .Add("TemplateURL", r.TemplateURL)
            .Add("UsePreviousTemplate", r.UsePreviousTemplate)
            .AddList("Parameters", r.Parameters, AddParameter)
            .AddList("Capabilities", r.Capabilities)
            .AddList("Tags", r.Tags, static (q, p, tag) => q.Add($"{p}.Key", tag.Key).Add($"{p}.Value", tag.Value))
            .AddList("NotificationARNs", r.NotificationARNs)
            .Add("RoleARN", r.RoleARN)
            .Add("Description", r.Description)
            .Add("ClientToken", r.ClientToken)
            .Add("OnStackFailure", r.OnStackFailure);

    public static QueryParameters DescribeChangeSet(DescribeChangeSetRequest r) =>
        new QueryParameters("DescribeChangeSet", Version)
            .Add("ChangeSetName", r.ChangeSetName).Add("StackName", r.StackName).Add("NextToken", r.NextToken);

    public static QueryParameters ExecuteChangeSet(ExecuteChangeSetRequest r) =>
        new QueryParameters("ExecuteChangeSet", Version)
            .Add("ChangeSetName", r.ChangeSetName).Add("StackName", r.StackName)
            .Add("ClientRequestToken", r.ClientRequestToken).Add("DisableRollback", r.DisableRollback);

    public static QueryParameters DeleteChangeSet(DeleteChangeSetRequest r) =>
        new QueryParameters("DeleteChangeSet", Version).Add("ChangeSetName", r.ChangeSetName).Add("StackName", r.StackName);

    public static QueryParameters DescribeStacks(DescribeStacksRequest r) =>
        new QueryParameters("DescribeStacks", Version).Add("StackName", r.StackName).Add("NextToken", r.NextToken);

    public static QueryParameters DescribeStackEvents(DescribeStackEventsRequest r) =>
        new QueryParameters("DescribeStackEvents", Version).Add("StackName", r.StackName).Add("NextToken", r.NextToken);

    public static QueryParameters ListStackResources(ListStackResourcesRequest r) =>
        new QueryParameters("ListStackResources", Version).Add("StackName", r.StackName).Add("NextToken", r.NextToken);

    public static QueryParameters DeleteStack(DeleteStackRequest r) =>
        new QueryParameters("DeleteStack", Version)
            .Add("StackName", r.StackName).AddList("RetainResources", r.RetainResources)
            .Add("RoleARN", r.RoleARN).Add("ClientRequestToken", r.ClientRequestToken);

    private static void AddParameter(QueryParameters q, string prefix, Parameter parameter) =>
        q.Add($"{prefix}.ParameterKey", parameter.ParameterKey)
            .Add($"{prefix}.ParameterValue", parameter.ParameterValue)
            .Add($"{prefix}.UsePreviousValue", parameter.UsePreviousValue);
}
