using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrderMonitoring.TestSupport;

/// <summary>
/// A moto server on 127.0.0.1 and a free port, started for a test run and stopped by its process id.
/// One server answers every AWS service at one endpoint; credentials are the dummy test/test pair.
/// </summary>
public sealed class MotoServer : IDisposable
{
    public const string AccessKey = "test";
    public const string SecretKey = "test";
    public const string Region = "us-east-1";
    public const string AccountId = "123456789012";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private int _disposed;

    private MotoServer(Process process, int port)
    {
        _process = process;
        Port = port;
        Endpoint = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri Endpoint { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts moto_server and waits until it answers HTTP.</summary>
    public static async Task<MotoServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var port = FreeLoopbackPort();
        var start = MotoCommand.Resolve(port);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.Environment["AWS_ACCESS_KEY_ID"] = AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = SecretKey;
        start.Environment["AWS_DEFAULT_REGION"] = Region;
        // moto's botocore would fail every call for a profile this machine does not have; it needs none.
        start.Environment.Remove("AWS_PROFILE");
        start.Environment.Remove("AWS_DEFAULT_PROFILE");

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{start.FileName}'.");
        // Drain its output so a chatty server never blocks on a full pipe.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new MotoServer(process, port);
        AppDomain.CurrentDomain.ProcessExit += server.OnProcessExit;
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Wipes every resource moto holds, so a test can start from nothing.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsync(new Uri(Endpoint, "/moto-api/reset"), content: null, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        StopByProcessId();
        _process.Dispose();
    }

    private void OnProcessExit(object? sender, EventArgs e) => StopByProcessId();

    private void StopByProcessId()
    {
        try
        {
            using var byId = Process.GetProcessById(_process.Id);
            if (!byId.HasExited)
            {
                byId.Kill(entireProcessTree: true);
                byId.WaitForExit(10_000);
            }
        }
        catch (ArgumentException)
        {
            // Already gone: nothing to stop.
        }
        catch (InvalidOperationException)
        {
            // Exited between the lookup and the kill.
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before it answered on {Endpoint}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Endpoint, "/moto-api/data.json"), cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // That probe timed out; try again.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"moto_server did not answer on {Endpoint} within {StartTimeout.TotalSeconds:0} s.");
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
