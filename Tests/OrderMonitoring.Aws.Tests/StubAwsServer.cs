using System.Collections.Concurrent;
using System.Net;
using System.Text;
using OrderMonitoring.TestSupport;

namespace OrderMonitoring.Aws.Tests;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 that answers from a script of (status, body) pairs, repeating the last one,
/// and records every request's headers. Stopped on DisposeAsync.
/// </summary>
internal sealed class StubAwsServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Queue<(int Status, string Body)> _script;
    private readonly Task _loop;

    public StubAwsServer(params (int Status, string Body)[] script)
    {
        _script = new Queue<(int, string)>(script);
        (_listener, Endpoint) = LoopbackHttpListener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public ConcurrentQueue<Dictionary<string, string>> Requests { get; } = new();

    /// <summary>Each request's method and raw path with query, e.g. <c>GET /2015-03-31/event-source-mappings/?FunctionName=f</c>.</summary>
    public ConcurrentQueue<string> RequestLines { get; } = new();

    /// <summary>Sent as <c>x-amzn-ErrorType</c> with every error answer, as REST-JSON services (Lambda) name their errors.</summary>
    public string? ErrorTypeHeader { get; init; }

    /// <summary>When set, every answer body gets the request headers appended, as some proxies' error pages do.</summary>
    public bool EchoHeaders { get; init; }

    public async ValueTask DisposeAsync()
    {
        _listener.Close(); // Close alone; see LoopbackHttpListener.Start

        await _loop.ConfigureAwait(false);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(headers);
            RequestLines.Enqueue($"{context.Request.HttpMethod} {context.Request.RawUrl}");
            var (status, body) = _script.Count > 1 ? _script.Dequeue() : _script.Peek();
            if (EchoHeaders)
            {
                body = body.Replace("$HEADERS", string.Join("; ", headers.Select(h => $"{h.Key}: {h.Value}")), StringComparison.Ordinal);
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = body.StartsWith('{') ? "application/x-amz-json-1.0" : "text/xml";
            context.Response.Headers["x-amzn-RequestId"] = "stub-request-" + Requests.Count;
            if (status >= 400 && ErrorTypeHeader is not null)
            {
                context.Response.Headers["x-amzn-ErrorType"] = ErrorTypeHeader;
            }

            try
            {
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away (a cancelled test) or the stub is closing: nothing left to answer.
            }
        }
    }
}
