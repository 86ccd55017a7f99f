using System.Text;
using System.Text.Json;

namespace OrderMonitoring.Aws.Protocol.Json;

/// <summary>
/// REST-JSON (Lambda): the operation is the method and path, inputs go in the query string, answers and errors are
/// JSON (the error code in <c>x-amzn-ErrorType</c>). Only the GET operations we use.
/// </summary>
internal sealed class RestJsonProtocol
{
    private readonly SignedRequestSender _sender;

    public RestJsonProtocol(ServiceDescriptor service, AwsConnection connection, AwsRetryOptions? retry = null, HttpClient? http = null)
    {
        Service = service;
        _sender = new SignedRequestSender(service, connection, JsonProtocol.ParseError, retry, http);
    }

    public ServiceDescriptor Service { get; }

    /// <summary>GETs <paramref name="path"/> (relative to the endpoint) with the non-null <paramref name="query"/> members.</summary>
    public async Task<TResponse> GetAsync<TResponse>(string operation, string path, IEnumerable<KeyValuePair<string, string?>> query,
        CancellationToken cancellationToken)
        where TResponse : new()
    {
        var request = new OutgoingRequest(operation, Array.Empty<byte>(), "", new Dictionary<string, string>())
        {
            Method = HttpMethod.Get,
            PathAndQuery = path + QueryString(query),
        };
        var answer = await _sender.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            return string.IsNullOrWhiteSpace(answer)
                ? new TResponse()
                : JsonSerializer.Deserialize<TResponse>(answer, JsonProtocol.SerializerOptions) ?? new TResponse();
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{Service.ServiceId} {operation} answered with JSON that does not fit {typeof(TResponse).Name}: {ex.Message}", ex);
        }
    }

    internal static string QueryString(IEnumerable<KeyValuePair<string, string?>> query)
    {
        var text = new StringBuilder();
        foreach (var member in query.Where(member => member.Value is not null))
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(member.Key)).Append('=').Append(Uri.EscapeDataString(member.Value!));
        }

        return text.ToString();
    }
}
