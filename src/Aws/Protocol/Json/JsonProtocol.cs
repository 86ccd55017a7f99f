using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderMonitoring.Aws.Protocol.Json;

/// <summary>AWS JSON 1.0 (DynamoDB Streams): JSON POST with <c>X-Amz-Target: Prefix.Operation</c>, JSON answers and errors.</summary>
internal sealed class JsonProtocol
{
    private const string ContentType = "application/x-amz-json-1.0";

    /// <summary>Request members keep their (SDK = wire) names; unset optional members are left out.</summary>
    internal static readonly JsonSerializerOptions SerializerOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // The API spells userIdentity members PrincipalId/Type, Lambda events principalId/type: one type reads both.
        PropertyNameCaseInsensitive = true,
        MaxDepth = Streams.StreamRecord.MaxJsonDepth,
    };

    private readonly SignedRequestSender _sender;
    private readonly string _targetPrefix;

    public JsonProtocol(ServiceDescriptor service, string targetPrefix, AwsConnection connection, AwsRetryOptions? retry = null, HttpClient? http = null)
    {
        Service = service;
        _targetPrefix = targetPrefix;
        _sender = new SignedRequestSender(service, connection, ParseError, retry, http);
    }

    public ServiceDescriptor Service { get; }

    /// <summary>Serializes the request, sends it and reads the answer as <typeparamref name="TResponse"/>.</summary>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(string operation, TRequest request, CancellationToken cancellationToken)
        where TResponse : new()
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, SerializerOptions);
        var headers = new Dictionary<string, string> { ["X-Amz-Target"] = $"{_targetPrefix}.{operation}" };
        var answer = await _sender.SendAsync(new OutgoingRequest(operation, body, ContentType, headers), cancellationToken).ConfigureAwait(false);
        try
        {
            return string.IsNullOrWhiteSpace(answer) ? new TResponse() : JsonSerializer.Deserialize<TResponse>(answer, SerializerOptions) ?? new TResponse();
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{Service.ServiceId} {operation} answered with JSON that does not fit {typeof(TResponse).Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads <c>{"__type": "prefix#Code", "message": "..."}</c>; falls back to the HTTP status.</summary>
    internal static ParsedError ParseError(HttpStatusCode status, string body, HttpResponseHeaders headers)
    {
        var requestId = headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        var code = headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = StringMember(document.RootElement, "__type") ?? StringMember(document.RootElement, "code") ?? code;
                message = StringMember(document.RootElement, "message") ?? StringMember(document.RootElement, "Message");
            }
        }
        catch (JsonException)
        {
            // Not JSON: described by the status below.
        }

        code = ShortCode(code);
        return code is null
            ? new ParsedError($"Http{(int)status}", $"HTTP {(int)status} {status} with no AWS error document.", requestId)
            : new ParsedError(code, message ?? code, requestId);
    }

    private static string? StringMember(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" and "Code:http://..." both mean "ResourceNotFoundException"/"Code".
    private static string? ShortCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var hash = code!.LastIndexOf('#');
        var shortCode = hash >= 0 ? code.Substring(hash + 1) : code;
        var colon = shortCode.IndexOf(':');
        return colon > 0 ? shortCode.Substring(0, colon) : shortCode;
    }
}
