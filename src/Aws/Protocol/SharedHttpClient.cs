using System.Net;

namespace OrderMonitoring.Aws.Protocol;

/// <summary>
/// The one <see cref="HttpClient"/> our clients share per process: pooled connections, no socket exhaustion.
/// Its own timeout is off because the retry pipeline bounds each attempt and each call.
/// </summary>
internal static class SharedHttpClient
{
    private static readonly Lazy<HttpClient> Client = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static HttpClient Instance => Client.Value;

    private static HttpClient Create()
    {
#if NET
        var handler = new SocketsHttpHandler
        {
            // Re-resolve DNS now and then so a long-lived PowerShell session follows endpoint changes.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            UseCookies = false,
        };
#else
        var handler = new HttpClientHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            UseCookies = false,
        };
#endif
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
