using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace OrderMonitoring.TestSupport;

/// <summary>
/// A moto server on 127.0.0.1, started for a test run and stopped by its process id. It is started on port 0 and
/// reports the port the system gave it, so two servers (or any other listener) can never race for one port.
/// One server answers every AWS service at one endpoint; credentials are the dummy test/test pair.
/// </summary>
public sealed partial class MotoServer : IDisposable
{
    public const string AccessKey = "test";
    public const string SecretKey = "test";
    public const string Region = "us-east-1";
    public const string AccountId = "123456789012";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private MotoServer(Process process) => _process = process;

    /// <summary>The port moto listens on; known once <see cref="StartAsync"/> has returned.</summary>
    public int Port { get; private set; }

    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts moto_server and waits until it answers HTTP.</summary>
    public static async Task<MotoServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var start = MotoCommand.Resolve(port: 0);
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
        var server = new MotoServer(process);
        // Werkzeug names the port it bound on its "Running on" line; every other line is drained so a chatty
        // server never blocks on a full pipe.
        process.OutputDataReceived += server.OnOutputLine;
        process.ErrorDataReceived += server.OnOutputLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

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

    private void OnOutputLine(object sender, DataReceivedEventArgs e)
    {
        var running = e.Data is null ? null : RunningOn().Match(e.Data);
        if (running is { Success: true })
        {
            _port.TrySetResult(int.Parse(running.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"Running on http://127\.0\.0\.1:(\d+)")]
    private static partial Regex RunningOn();

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
        var deadline = Stopwatch.StartNew();
        await WaitForPortAsync(cancellationToken).ConfigureAwait(false);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
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
                // Not answering yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // That probe timed out; try again.
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"moto_server did not answer on {Endpoint} within {StartTimeout.TotalSeconds:0} s.");
    }

    private async Task WaitForPortAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        var exited = _process.WaitForExitAsync(timeout.Token);
        var first = await Task.WhenAny(_port.Task, exited).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (first == _port.Task)
        {
            Port = await _port.Task.ConfigureAwait(false);
            Endpoint = new Uri($"http://127.0.0.1:{Port}");
            return;
        }

        if (_process.HasExited)
        {
            throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before it said which port it listens on.");
        }

        throw new TimeoutException($"moto_server did not say which port it listens on within {StartTimeout.TotalSeconds:0} s.");
    }
}
