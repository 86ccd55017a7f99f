using System.Net;
using System.Net.Http.Headers;
using System.Xml;
using System.Xml.Linq;

namespace OrderMonitoring.Aws.Protocol.Query;

/// <summary>The Query protocol (CloudFormation, SNS, CloudWatch): form POST in, XML out, ErrorResponse on failure.</summary>
internal sealed class QueryProtocol
{
    private const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();
    private readonly SignedRequestSender _sender;

    public QueryProtocol(ServiceDescriptor service, AwsConnection connection, AwsRetryOptions? retry = null, HttpClient? http = null)
    {
        Service = service;
        _sender = new SignedRequestSender(service, connection, ParseError, retry, http);
    }

    public ServiceDescriptor Service { get; }

    public Uri Endpoint => _sender.Endpoint;

    /// <summary>Starts the fields of a request for <paramref name="action"/>.</summary>
    public QueryParameters Request(string action) => new(action, Service.ApiVersion);

    /// <summary>Sends the request and returns its <c>&lt;ActionResult&gt;</c> element.</summary>
    public async Task<XElement> InvokeAsync(QueryParameters parameters, CancellationToken cancellationToken)
    {
        var action = parameters["Action"] ?? throw new ArgumentException("The request has no Action.", nameof(parameters));
        var body = await _sender.SendAsync(new OutgoingRequest(action, parameters.ToFormBody(), FormContentType, NoHeaders), cancellationToken)
            .ConfigureAwait(false);
        try
        {
            return XmlResult.ResultOf(body, action);
        }
        catch (XmlException ex)
        {
            throw new FormatException($"{Service.ServiceId} {action} answered with something that is not XML.", ex);
        }
    }

    /// <summary>Reads <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;</c>; falls back to the HTTP status for non-XML answers.</summary>
    internal static ParsedError ParseError(HttpStatusCode status, string body, HttpResponseHeaders headers)
    {
        var headerRequestId = headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        try
        {
            var root = XDocument.Parse(body).Root;
            var error = root?.Name.LocalName == "Error" ? root : root.Child("Error") ?? root.Child("Errors").Child("Error");
            if (error.Text("Code") is { Length: > 0 } code)
            {
                var requestId = root.Text("RequestId") ?? root.Text("RequestID") ?? headerRequestId;
                return new ParsedError(code, error.Text("Message")?.Trim() ?? code, requestId);
            }
        }
        catch (XmlException)
        {
            // Not XML (a proxy's HTML page, an empty 503): described by the status below.
        }

        return new ParsedError($"Http{(int)status}", $"HTTP {(int)status} {status} with no AWS error document.", headerRequestId);
    }
}
