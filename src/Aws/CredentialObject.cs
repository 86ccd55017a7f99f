using System.Reflection;
using Amazon.Runtime;

namespace OrderMonitoring.Aws;

/// <summary>
/// Turns a credentials object a caller hands over into our <see cref="AWSCredentials"/>. On PowerShell 7 the module's
/// AWSSDK.Core lives in its own load context, so an AWS.Tools user's <c>AWSCredentials</c> (another build of the same
/// type, in PowerShell's default context) is not ours: it is adapted by shape instead of by type.
/// </summary>
public static class CredentialObject
{
    private const BindingFlags AnyInstance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>
    /// Our own credentials as they are; any object with a parameterless <c>GetCredentials()</c> (an AWSCredentials of
    /// any AWSSDK.Core build) wrapped so that every request asks it again; a wrapper that holds such an object in a
    /// property (AWS.Tools' <c>AWSPSCredentials</c>, what <c>Set-AWSCredential</c> keeps in <c>$StoredAWSCredentials</c>)
    /// unwrapped first.
    /// </summary>
    /// <param name="value">The object given.</param>
    /// <param name="source">Where it came from, for the message when it is not credentials (<c>-Credential</c>).</param>
    /// <exception cref="AwsConfigurationException">The object is not credentials of any kind.</exception>
    public static AWSCredentials Adapt(object value, string source)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        return value switch
        {
            AWSCredentials ours => ours,
            _ when ReflectedCredentials.CanAdapt(value.GetType()) => new ReflectedCredentials(value, source),
            _ when HeldCredentials(value) is { } held => Adapt(held, source),
            _ => throw new AwsConfigurationException(
                $"{source} is a {value.GetType().FullName}, not AWS credentials. Pass an AWSCredentials object (from Get-AWSCredential, "
                + "or [Amazon.Runtime.BasicAWSCredentials]::new(...)), or use -AccessKey/-SecretKey or -ProfileName."),
        };
    }

    /// <summary>The object <paramref name="credentials"/> was adapted from (itself when it is ours): what identifies it.</summary>
    public static object Original(AWSCredentials credentials) =>
        credentials is ReflectedCredentials reflected ? reflected.Original : credentials;

    // AWS.Tools keeps the credentials in an internal property of its wrapper, so non-public members are read too.
    private static object? HeldCredentials(object wrapper) =>
        wrapper.GetType().GetProperties(AnyInstance)
            .Where(property => property.GetIndexParameters().Length == 0 && ReflectedCredentials.CanAdapt(property.PropertyType))
            .Select(property => property.GetValue(wrapper))
            .FirstOrDefault(held => held is not null);
}
