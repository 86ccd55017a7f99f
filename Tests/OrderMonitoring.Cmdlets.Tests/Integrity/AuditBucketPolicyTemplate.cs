using System.Text.Json.Nodes;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>The audit bucket's policy as templates/order-monitoring.json states it, with the bucket's ARN put in (what CloudFormation does).</summary>
internal static class AuditBucketPolicyTemplate
{
    public static JsonObject Template()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "templates", "order-monitoring.json")))
        {
            folder = folder.Parent;
        }

        var path = Path.Combine(folder?.FullName ?? throw new InvalidOperationException("templates/order-monitoring.json not found above the test folder"),
            "templates", "order-monitoring.json");
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    /// <summary>The policy document for <paramref name="bucket"/>.</summary>
    public static string For(string bucket)
    {
        var document = Template()["Resources"]!["AuditLogsBucketPolicy"]!["Properties"]!["PolicyDocument"]!.DeepClone();
        return Substitute(document, "arn:aws:s3:::" + bucket)!.ToJsonString();
    }

    /// <summary>The Sids of the template's Deny statements.</summary>
    public static IReadOnlyList<string> DenySids() =>
        Template()["Resources"]!["AuditLogsBucketPolicy"]!["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray()
            .Where(s => (string?)s!["Effect"] == "Deny").Select(s => (string)s!["Sid"]!).ToList();

    private static JsonNode? Substitute(JsonNode? node, string bucketArn) => node switch
    {
        JsonObject o when o.ContainsKey("Fn::GetAtt") => JsonValue.Create(bucketArn),
        JsonObject o when o.ContainsKey("Fn::Sub") => JsonValue.Create(((string)o["Fn::Sub"]!).Replace("${AuditLogsBucket.Arn}", bucketArn, StringComparison.Ordinal)),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Substitute(p.Value?.DeepClone(), bucketArn)))),
        JsonArray a => new JsonArray(a.Select(e => Substitute(e?.DeepClone(), bucketArn)).ToArray()),
        _ => node,
    };
}
