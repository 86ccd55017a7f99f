using System.Reflection;
using Amazon.Runtime;

namespace OrderMonitoring.Aws;

/// <summary>
/// Credentials of another AWSSDK.Core build (another module's, in another load context) used through reflection. Every
/// signing asks the original object again, so credentials that refresh themselves (SSO, assumed roles, instance
/// profiles) keep refreshing; nothing is copied or cached here.
/// </summary>
internal sealed class ReflectedCredentials : AWSCredentials
{
    private readonly object _original;
    private readonly string _source;
    private readonly MethodInfo _getCredentials;
    private readonly MethodInfo? _getCredentialsAsync;

    public ReflectedCredentials(object original, string source)
    {
        _original = original;
        _source = source;
        var type = original.GetType();
        _getCredentials = FindParameterless(type, nameof(GetCredentials))
            ?? throw new ArgumentException($"{type.FullName} has no GetCredentials() method.", nameof(original));
        _getCredentialsAsync = FindParameterless(type, nameof(GetCredentialsAsync)) is { } async && typeof(Task).IsAssignableFrom(async.ReturnType)
            ? async
            : null;
    }

    /// <summary>The object every request asks for credentials.</summary>
    public object Original => _original;

    /// <summary>Whether <paramref name="type"/> looks like AWSCredentials of any build: a public GetCredentials().</summary>
    public static bool CanAdapt(Type type) => FindParameterless(type, nameof(GetCredentials)) is not null;

    /// <inheritdoc />
    public override ImmutableCredentials GetCredentials() => Copy(Invoke(_getCredentials));

    /// <inheritdoc />
    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        if (_getCredentialsAsync is null)
        {
            return GetCredentials();
        }

        var pending = (Task)Invoke(_getCredentialsAsync);
        await pending.ConfigureAwait(false);
        // The task's type is Task<ImmutableCredentials> of the other build; its result is read by reflection once it
        // has completed (the await above), so this never blocks.
        return Copy(pending.GetType().GetProperty("Result")?.GetValue(pending));
    }

    /// <summary>The source and the original's type; never a key.</summary>
    public override string ToString() => $"{_source} ({_original.GetType().FullName})";

    private static MethodInfo? FindParameterless(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Instance | BindingFlags.Public, binder: null, Type.EmptyTypes, modifiers: null);

    private object Invoke(MethodInfo method)
    {
        try
        {
            return method.Invoke(_original, null)
                ?? throw new AwsConfigurationException($"The credentials from {_source} returned nothing.");
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new AwsConfigurationException($"The credentials from {_source} failed: {ex.InnerException.Message}", ex.InnerException);
        }
    }

    private ImmutableCredentials Copy(object? identity)
    {
        var accessKey = Read(identity, "AccessKey");
        var secretKey = Read(identity, "SecretKey");
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
        {
            throw new AwsConfigurationException($"The credentials from {_source} have no access key or secret key.");
        }

        return new ImmutableCredentials(accessKey, secretKey, Read(identity, "Token"));
    }

    private static string? Read(object? identity, string property) =>
        identity?.GetType().GetProperty(property, BindingFlags.Instance | BindingFlags.Public)?.GetValue(identity) as string;
}
