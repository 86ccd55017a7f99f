using System.Management.Automation;
using Amazon.Runtime;
using OrderMonitoring.Aws;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Binding;

/// <summary>
/// Base of every OrderMonitoring cmdlet: the AWS connection parameters of AWS Tools for PowerShell, the connection
/// and client factory built from them, the async bridge to the pipeline thread and error handling through
/// <see cref="ErrorRecordFactory"/>.
/// </summary>
public abstract class OrderMonitoringCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private AwsClientFactory? _clientFactory;

    /// <summary>AWS region, e.g. us-east-1; default from AWS_REGION, AWS_DEFAULT_REGION or the profile.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Region { get; set; }

    /// <summary>Named profile from the shared credentials/config files; it must exist.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("StoredCredentials", "AWSProfileName")]
    public string? ProfileName { get; set; }

    /// <summary>A shared credentials file other than the default one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    public string? ProfileLocation { get; set; }

    /// <summary>
    /// Explicit AWS credentials; they win over everything else. An AWSCredentials object of any AWSSDK.Core build (ours,
    /// or AWS.Tools' from Get-AWSCredential): typed object because on PowerShell 7 another module's AWSCredentials is
    /// another type than ours (another load context); it is adapted by shape and asked again for every request.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public object? Credential { get; set; }

    /// <summary>Access key id (with -SecretKey).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("AK")]
    public string? AccessKey { get; set; }

    /// <summary>Secret access key (with -AccessKey). Never written anywhere.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("SK")]
    public string? SecretKey { get; set; }

    /// <summary>Session token for temporary credentials (with -AccessKey/-SecretKey).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [Alias("ST")]
    public string? SessionToken { get; set; }

    /// <summary>One endpoint for every service (moto, LocalStack), e.g. http://127.0.0.1:5000.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EndpointUrl { get; set; }

    /// <summary>The factory for every client; resolving it validates region, profile, credentials and endpoint.</summary>
    protected AwsClientFactory ClientFactory => _clientFactory ??= new AwsClientFactory(AwsConnection.Resolve(ConnectionParameters().ToSettings()));

    /// <summary>The clock the cmdlet and the services it builds read (<see cref="ModuleClock"/>).</summary>
    protected TimeProvider Time => ModuleClock.System;

    /// <summary>The resolved connection.</summary>
    protected AwsConnection Connection => ClientFactory.Connection;

    /// <summary>The object an ErrorRecord names as its target (the stack name, usually).</summary>
    protected virtual object? ErrorTarget => null;

    /// <summary>Releases the cancellation source (and what a derived cmdlet holds).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what this cmdlet holds; PowerShell disposes a cmdlet when its pipeline ends.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Dispose();
        }
    }

    /// <summary>
    /// Resolves the connection first, so a bad region, profile or endpoint fails before anything is done; warns (once
    /// per command) about an endpoint that would carry the data unencrypted over the network.
    /// </summary>
    protected override void BeginProcessing() => Guard(() =>
    {
        foreach (var endpoint in ClientFactory.Connection.CustomEndpoints.Where(EndpointText.IsPlainHttpToAnotherHost))
        {
            WriteWarning($"The endpoint '{EndpointText.ForMessage(endpoint)}' is plain HTTP to another machine: requests are signed, but what they carry "
                + "(order data, audit records) travels unencrypted. Use https://, or a loopback address (127.0.0.1, localhost) for a local emulator.");
        }
    });

    /// <summary>Ctrl+C: cancels the running async work; the bridge then stops the pipeline.</summary>
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Runs async service code on the thread pool while this thread writes what it reports; returns its result.</summary>
    protected T RunAsync<T>(Func<IOperationReporter, CancellationToken, Task<T>> work) => new PipelineBridge(this).Run(work, _stopping);

    /// <summary>
    /// Runs async service code that asks before each step: <paramref name="question"/> (target, action) runs on this
    /// thread whenever the work awaits its <see cref="ConfirmStep"/>.
    /// </summary>
    protected T RunAsync<T>(Func<string, string, bool> question, Func<IOperationReporter, ConfirmStep, CancellationToken, Task<T>> work)
    {
        var bridge = new PipelineBridge(this);
        return bridge.Run((reporter, token) => work(reporter, (target, action) => bridge.AskAsync(() => question(target, action)), token), _stopping);
    }

    /// <summary>Runs async service code that returns nothing (see <see cref="RunAsync{T}"/>).</summary>
    protected void RunAsync(Func<IOperationReporter, CancellationToken, Task> work) =>
        RunAsync<bool>(async (reporter, token) =>
        {
            await work(reporter, token).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// Runs <paramref name="action"/>; any failure that is not already PowerShell's becomes a terminating ErrorRecord
    /// from <see cref="ErrorRecordFactory"/> naming <see cref="ErrorTarget"/>.
    /// </summary>
    protected void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is not RuntimeException || ex is PSArgumentException)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ex, ErrorTarget));
        }
    }

    /// <summary>Writes a non-terminating ErrorRecord for <paramref name="exception"/> (one failed pipeline item).</summary>
    protected void WriteFailure(Exception exception, object? target) => WriteError(ErrorRecordFactory.Create(exception, target ?? ErrorTarget));

    /// <summary>
    /// The session's default region as AWS Tools for PowerShell keeps it (Set-DefaultAWSRegion sets
    /// $StoredAWSRegion); like AWS Tools, it comes after -Region and before the environment and the profile.
    /// </summary>
    internal const string StoredRegionVariable = "StoredAWSRegion";

    /// <summary>
    /// The session's credentials as AWS Tools keeps them: Set-AWSCredential stores its credentials wrapper (or, given a
    /// profile name, the profile's credentials) in $StoredAWSCredentials; they come after -Credential, the keys and
    /// -ProfileName, and before the environment.
    /// </summary>
    internal const string StoredCredentialsVariable = "StoredAWSCredentials";

    private ConnectionParameters ConnectionParameters() => new()
    {
        Region = string.IsNullOrWhiteSpace(Region) ? StoredRegion() : Region,
        ProfileName = ProfileName,
        ProfileLocation = ProfileLocation,
        Credential = Unwrap(Credential),
        SessionCredential = Unwrap(SessionState.PSVariable.GetValue(StoredCredentialsVariable)),
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        SessionToken = SessionToken,
        EndpointUrl = EndpointUrl,
    };

    private string? StoredRegion() => Unwrap(SessionState.PSVariable.GetValue(StoredRegionVariable))?.ToString();

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
