using System.Net;
using System.Net.Sockets;

namespace OrderMonitoring.TestSupport;

/// <summary>Starts an <see cref="HttpListener"/> for stub servers on a free 127.0.0.1 port.</summary>
public static class LoopbackHttpListener
{
    private const int Attempts = 5;

    /// <summary>
    /// HttpListener cannot listen on port 0, so a free port is probed first. Another test may take that port before
    /// the listener binds it; then a new listener tries the next free port (a listener that failed to start is closed
    /// for good). Stop the result with <see cref="HttpListener.Close"/> alone: Stop followed by Close unregisters the
    /// prefix twice, and the managed listener binds the port again to do so, which fails once the port is taken.
    /// </summary>
    public static (HttpListener Listener, Uri Endpoint) Start()
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
            catch (HttpListenerException) when (attempt < Attempts)
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
