namespace OrderMonitoring.Aws;

/// <summary>The connection cannot be resolved: no region, a missing profile, a malformed endpoint, no credentials.</summary>
public sealed class AwsConfigurationException : Exception
{
    /// <summary>Creates the exception with a message that says what to set and where.</summary>
    public AwsConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception keeping the SDK's own failure as the cause.</summary>
    public AwsConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
