using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace OrderMonitoring.Aws.Protocol.Query;

/// <summary>Namespace-agnostic reading of Query-protocol XML answers (services and mocks differ in namespaces).</summary>
internal static class XmlResult
{
    public static XElement? Child(this XElement? parent, string name) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static string? Text(this XElement? parent, string name) => parent.Child(name)?.Value;

    public static bool? Bool(this XElement? parent, string name) =>
        parent.Text(name) is { } text ? string.Equals(text.Trim(), "true", StringComparison.OrdinalIgnoreCase) : null;

    public static int? Int(this XElement? parent, string name) =>
        int.TryParse(parent.Text(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static double? Double(this XElement? parent, string name) => ParseDouble(parent.Text(name));

    public static double? ParseDouble(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static DateTime? Time(this XElement? parent, string name) => ParseTime(parent.Text(name));

    public static DateTime? ParseTime(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : XmlConvert.ToDateTime(text!.Trim(), XmlDateTimeSerializationMode.Utc);

    /// <summary>The <c>member</c> elements of a (non-flattened) list member.</summary>
    public static IEnumerable<XElement> Members(this XElement? parent, string listName) =>
        parent.Child(listName)?.Elements().Where(e => e.Name.LocalName == "member") ?? Enumerable.Empty<XElement>();

    public static List<string> Strings(this XElement? parent, string listName) => parent.Members(listName).Select(m => m.Value).ToList();

    /// <summary>Parses an answer and returns its <c>&lt;OperationResult&gt;</c> element (empty for operations without output).</summary>
    public static XElement ResultOf(string body, string operation)
    {
        var root = XDocument.Parse(body).Root ?? throw new FormatException($"The {operation} answer has no XML root.");
        return root.Child(operation + "Result") ?? new XElement(operation + "Result");
    }

    /// <summary>The request id every Query answer carries in ResponseMetadata.</summary>
    public static string? RequestId(string body)
    {
        try
        {
            return XDocument.Parse(body).Root.Child("ResponseMetadata").Text("RequestId");
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
