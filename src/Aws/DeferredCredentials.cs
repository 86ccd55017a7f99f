using Amazon.Runtime;

namespace OrderMonitoring.Aws;

/// <summary>
/// Credentials found on first use instead of when the connection is built: finding them may mean an SSO token
/// refresh or the instance metadata endpoint, which a caller that must not block (tab completion) does in the
/// background, when the first request is signed. Found once; a failure surfaces from that first use.
/// </summary>
internal sealed class DeferredCredentials : AWSCredentials
{
    private readonly Lazy<AWSCredentials> _found;

    public DeferredCredentials(Func<AWSCredentials> find) =>
        _found = new Lazy<AWSCredentials>(find, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <inheritdoc />
    public override ImmutableCredentials GetCredentials() => _found.Value.GetCredentials();

    /// <inheritdoc />
    public override Task<ImmutableCredentials> GetCredentialsAsync() => _found.Value.GetCredentialsAsync();
}
