using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

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
        (_listener, Endpoint) = StartOnFreePort();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public ConcurrentQueue<Dictionary<string, string>> Requests { get; } = new();

    /// <summary>When set, every answer body gets the request headers appended, as some proxies' error pages do.</summary>
    public bool EchoHeaders { get; init; }

    public async ValueTask DisposeAsync()
    {
        // Close alone: Stop followed by Close unregisters the prefix twice, and the managed listener re-binds the
        // port to unregister it the second time, which fails when the port is taken again by then.
        _listener.Close();
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
            var (status, body) = _script.Count > 1 ? _script.Dequeue() : _script.Peek();
            if (EchoHeaders)
            {
                body = body.Replace("$HEADERS", string.Join("; ", headers.Select(h => $"{h.Key}: {h.Value}")), StringComparison.Ordinal);
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = body.StartsWith('{') ? "application/x-amz-json-1.0" : "text/xml";
            context.Response.Headers["x-amzn-RequestId"] = "stub-request-" + Requests.Count;
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

    /// <summary>
    /// HttpListener cannot listen on port 0, so a free port is probed first. Another test may take that port before
    /// the listener binds it; then a new listener tries the next free port (a listener that failed to start is closed).
    /// </summary>
    private static (HttpListener Listener, Uri Endpoint) StartOnFreePort()
    {
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = new Uri($"http://127.0.0.1:{FreePort()}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(endpoint.ToString());
            try
            {
                listener.Start();
                return (listener, endpoint);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                ((IDisposable)listener).Dispose();
            }
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }
}
