using System.Text.Json.Nodes;

namespace OrderMonitoring.Template.Tests;

/// <summary>The parsed templates/order-monitoring.json with small accessors, so each test reads like the property it checks.</summary>
internal sealed class OrderMonitoringTemplate
{
    public static readonly string TemplatePath = Path.Combine(AppContext.BaseDirectory, "templates", "order-monitoring.json");

    private static readonly Lazy<OrderMonitoringTemplate> Shared = new(() => new OrderMonitoringTemplate(File.ReadAllText(TemplatePath)));

    private OrderMonitoringTemplate(string text)
    {
        Text = text;
        Root = JsonNode.Parse(text)?.AsObject() ?? throw new InvalidOperationException("The template is not a JSON object.");
    }

    public static OrderMonitoringTemplate Load() => Shared.Value;

    public string Text { get; }

    public JsonObject Root { get; }

    public JsonObject Resources => Section("Resources");

    public JsonObject Parameters => Section("Parameters");

    public JsonObject Outputs => Section("Outputs");

    public JsonObject Conditions => Section("Conditions");

    public JsonObject Resource(string logicalId) =>
        Resources[logicalId]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"The template has no resource '{logicalId}'.");

    public JsonObject Properties(string logicalId) =>
        Resource(logicalId)["Properties"]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"Resource '{logicalId}' has no Properties.");

    public string TypeOf(string logicalId) => (string)Resource(logicalId)["Type"]!;

    public IEnumerable<KeyValuePair<string, JsonObject>> ResourcesOfType(string type) =>
        Resources.Where(r => (string?)r.Value?["Type"] == type).Select(r => new KeyValuePair<string, JsonObject>(r.Key, r.Value!.AsObject()));

    /// <summary>True when <paramref name="node"/> is exactly <c>{"Ref": target}</c>.</summary>
    public static bool IsRef(JsonNode? node, string target) =>
        node is JsonObject o && o.Count == 1 && (string?)o["Ref"] == target;

    /// <summary>True when <paramref name="node"/> is exactly <c>{"Fn::GetAtt": [resource, attribute]}</c>.</summary>
    public static bool IsGetAtt(JsonNode? node, string resource, string attribute) =>
        node is JsonObject o && o.Count == 1 && o["Fn::GetAtt"] is JsonArray a && a.Count == 2
        && (string?)a[0] == resource && (string?)a[1] == attribute;

    /// <summary>The string of <c>{"Fn::Sub": "..."}</c>, or null when the node is something else.</summary>
    public static string? SubText(JsonNode? node) =>
        node is JsonObject o && o.Count == 1 && o["Fn::Sub"] is JsonValue v ? (string?)v : null;

    /// <summary>Every node in the subtree, depth first (for "nothing anywhere says X" checks).</summary>
    public static IEnumerable<JsonNode> Descendants(JsonNode? node)
    {
        if (node is null)
        {
            yield break;
        }

        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }

    /// <summary>A property that may be a single string or an array of strings, as IAM allows for Action and Resource.</summary>
    public static IReadOnlyList<JsonNode?> OneOrMany(JsonNode? node) =>
        node is JsonArray array ? [.. array] : [node];

    private JsonObject Section(string name) =>
        Root[name]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"The template has no {name} section.");
}
