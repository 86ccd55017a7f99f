using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace OrderMonitoring.Aws.Tests;

/// <summary>
/// One botocore service model (service-2.json.gz from the local botocore data folder) and the checks a request must pass:
/// every member we send exists in the operation's input shape, with the right kind of value, and every required member is sent.
/// </summary>
internal sealed class ServiceModel
{
    private static readonly Lazy<string> DataFolder = new(LocateDataFolder);
    private readonly JsonElement _shapes;
    private readonly JsonElement _operations;

    private ServiceModel(JsonDocument document)
    {
        _shapes = document.RootElement.GetProperty("shapes");
        _operations = document.RootElement.GetProperty("operations");
    }

    public static ServiceModel Load(string service)
    {
        var versionFolder = Directory.GetDirectories(Path.Combine(DataFolder.Value, service)).OrderBy(d => d, StringComparer.Ordinal).Last();
        using var file = File.OpenRead(Path.Combine(versionFolder, "service-2.json.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        return new ServiceModel(JsonDocument.Parse(gzip));
    }

    /// <summary>Problems of a Query-protocol request (flattened keys); empty when it fits the model.</summary>
    public List<string> CheckQuery(string operation, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var problems = new List<string>();
        var byKey = fields.ToList();
        if (byKey.FirstOrDefault(f => f.Key == "Action").Value != operation)
        {
            problems.Add($"Action is not {operation}");
        }

        var input = InputShape(operation);
        var members = byKey.Where(f => f.Key is not "Action" and not "Version").ToList();
        foreach (var field in members)
        {
            CheckQueryPath(input, field.Key.Split('.'), 0, field.Value, field.Key, problems);
        }

        CheckRequiredQuery(input, "", members.Select(f => f.Key).ToList(), problems);
        return problems;
    }

    /// <summary>Problems of an AWS JSON request body; empty when it fits the model.</summary>
    public List<string> CheckJson(string operation, JsonElement body)
    {
        var problems = new List<string>();
        CheckJsonValue(InputShape(operation), body, operation, problems);
        return problems;
    }

    /// <summary>
    /// Problems of a REST request: the method and path are the operation's <c>http</c> ones (a trailing slash aside), and
    /// every query member is an input member bound to the query string under that name, with a value of its type.
    /// </summary>
    public List<string> CheckRestQuery(string operation, string method, string path, IEnumerable<KeyValuePair<string, string>> query)
    {
        var problems = new List<string>();
        var http = _operations.GetProperty(operation).GetProperty("http");
        if (http.GetProperty("method").GetString() != method)
        {
            problems.Add($"method {method} is not {http.GetProperty("method").GetString()}");
        }

        if (http.GetProperty("requestUri").GetString()!.TrimEnd('/') != path.TrimEnd('/'))
        {
            problems.Add($"path {path} is not {http.GetProperty("requestUri").GetString()}");
        }

        var bound = Shape(InputShape(operation)).GetProperty("members").EnumerateObject()
            .Where(member => member.Value.TryGetProperty("location", out var location) && location.GetString() == "querystring")
            .ToDictionary(member => member.Value.GetProperty("locationName").GetString()!, member => member.Value.GetProperty("shape").GetString()!, StringComparer.Ordinal);
        foreach (var member in query)
        {
            if (!bound.TryGetValue(member.Key, out var shape))
            {
                problems.Add($"{member.Key} is not a query-string member of {operation}");
            }
            else if (!ScalarFits(Shape(shape).GetProperty("type").GetString()!, member.Value))
            {
                problems.Add($"{member.Key}={member.Value} does not fit {shape}");
            }
        }

        return problems;
    }

    private string InputShape(string operation) => _operations.GetProperty(operation).GetProperty("input").GetProperty("shape").GetString()!;

    private JsonElement Shape(string name) => _shapes.GetProperty(name);

    private void CheckQueryPath(string shapeName, string[] parts, int index, string value, string key, List<string> problems)
    {
        var shape = Shape(shapeName);
        switch (shape.GetProperty("type").GetString())
        {
            case "structure":
                if (index >= parts.Length || !shape.GetProperty("members").TryGetProperty(parts[index], out var member))
                {
                    problems.Add($"{key}: '{(index < parts.Length ? parts[index] : "")}' is not a member of {shapeName}");
                    return;
                }

                CheckQueryPath(member.GetProperty("shape").GetString()!, parts, index + 1, value, key, problems);
                return;
            case "list":
                var flattened = shape.TryGetProperty("flattened", out var f) && f.GetBoolean();
                var skip = flattened ? 0 : 1;
                if (!flattened && (index >= parts.Length || parts[index] != "member"))
                {
                    problems.Add($"{key}: list {shapeName} needs '.member.N'");
                    return;
                }

                if (index + skip >= parts.Length || !int.TryParse(parts[index + skip], out var position) || position < 1)
                {
                    problems.Add($"{key}: list {shapeName} needs a 1-based index");
                    return;
                }

                CheckQueryPath(shape.GetProperty("member").GetProperty("shape").GetString()!, parts, index + skip + 1, value, key, problems);
                return;
            case "map":
                var keyName = shape.GetProperty("key").TryGetProperty("locationName", out var k) ? k.GetString() : "key";
                var valueName = shape.GetProperty("value").TryGetProperty("locationName", out var v) ? v.GetString() : "value";
                if (index + 2 >= parts.Length || parts[index] != "entry" || !int.TryParse(parts[index + 1], out _))
                {
                    problems.Add($"{key}: map {shapeName} needs '.entry.N.{keyName}|{valueName}'");
                    return;
                }

                var part = parts[index + 2] == keyName ? "key" : parts[index + 2] == valueName ? "value" : null;
                if (part is null)
                {
                    problems.Add($"{key}: map {shapeName} entries have '{keyName}' and '{valueName}' only");
                    return;
                }

                CheckQueryPath(shape.GetProperty(part).GetProperty("shape").GetString()!, parts, index + 3, value, key, problems);
                return;
            default:
                if (index != parts.Length)
                {
                    problems.Add($"{key}: {shapeName} is a scalar and has no member '{parts[index]}'");
                }
                else if (!ScalarFits(shape.GetProperty("type").GetString()!, value))
                {
                    problems.Add($"{key}: '{value}' is not a valid {shape.GetProperty("type").GetString()}");
                }

                return;
        }
    }

    private void CheckRequiredQuery(string shapeName, string prefix, List<string> keys, List<string> problems)
    {
        var shape = Shape(shapeName);
        if (shape.GetProperty("type").GetString() != "structure")
        {
            return;
        }

        foreach (var required in shape.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!) : [])
        {
            var path = prefix + required;
            if (!keys.Any(k => k == path || k.StartsWith(path + ".", StringComparison.Ordinal)))
            {
                problems.Add($"required member {path} of {shapeName} is not sent");
            }
        }

        foreach (var member in shape.GetProperty("members").EnumerateObject())
        {
            var memberShape = member.Value.GetProperty("shape").GetString()!;
            var path = prefix + member.Name;
            if (Shape(memberShape).GetProperty("type").GetString() == "structure" && keys.Any(k => k.StartsWith(path + ".", StringComparison.Ordinal)))
            {
                CheckRequiredQuery(memberShape, path + ".", keys, problems);
            }
            else if (Shape(memberShape).GetProperty("type").GetString() == "list")
            {
                var itemShape = Shape(memberShape).GetProperty("member").GetProperty("shape").GetString()!;
                foreach (var itemPrefix in keys.Where(k => k.StartsWith(path + ".member.", StringComparison.Ordinal))
                             .Select(k => string.Join(".", k.Split('.').Take(path.Split('.').Length + 2))).Distinct())
                {
                    CheckRequiredQuery(itemShape, itemPrefix + ".", keys, problems);
                }
            }
        }
    }

    private void CheckJsonValue(string shapeName, JsonElement value, string path, List<string> problems)
    {
        var shape = Shape(shapeName);
        var type = shape.GetProperty("type").GetString();
        if (type == "structure")
        {
            foreach (var property in value.EnumerateObject())
            {
                if (!shape.GetProperty("members").TryGetProperty(property.Name, out var member))
                {
                    problems.Add($"{path}.{property.Name} is not a member of {shapeName}");
                    continue;
                }

                CheckJsonValue(member.GetProperty("shape").GetString()!, property.Value, $"{path}.{property.Name}", problems);
            }

            foreach (var required in shape.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!) : [])
            {
                if (!value.TryGetProperty(required, out _))
                {
                    problems.Add($"required member {path}.{required} of {shapeName} is not sent");
                }
            }
        }
        else if (type is "string" && value.ValueKind != JsonValueKind.String || type is "integer" or "long" && value.ValueKind != JsonValueKind.Number)
        {
            problems.Add($"{path} should be a JSON {type}, is {value.ValueKind}");
        }
    }

    private static bool ScalarFits(string type, string value) => type switch
    {
        "boolean" => value is "true" or "false",
        "integer" or "long" => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        "double" or "float" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        "timestamp" => DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _) && value.EndsWith('Z'),
        _ => true,
    };

    private static string LocateDataFolder()
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "import botocore,os;print(os.path.dirname(botocore.__file__)+'/data')" })
        {
            start.ArgumentList.Add(argument);
        }

        using var python = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        var folder = python.StandardOutput.ReadToEnd().Trim();
        python.WaitForExit();
        return Directory.Exists(folder) ? folder : throw new InvalidOperationException($"botocore's data folder was not found (python3 said '{folder}').");
    }
}
