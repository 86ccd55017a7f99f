namespace OrderMonitoring.Cmdlets.Foundation;

/// <summary>
/// A failure the module itself detected (a rolled-back deploy, a missing stack, a timeout), with the stable error id,
/// kind and recommended action the cmdlet's ErrorRecord will carry. Messages never contain secrets.
/// </summary>
public sealed class OrderMonitoringException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorId">Stable, documented id such as <c>StackDeploymentFailed</c>; scripts match on it.</param>
    /// <param name="kind">Maps to the ErrorRecord's category.</param>
    /// <param name="message">What happened, for a person.</param>
    /// <param name="recommendedAction">What to do next, for a person.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public OrderMonitoringException(string errorId, FailureKind kind, string message, string? recommendedAction = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Kind = kind;
        RecommendedAction = recommendedAction;
    }

    /// <summary>Stable id (the first part of the ErrorRecord's FullyQualifiedErrorId).</summary>
    public string ErrorId { get; }

    /// <summary>Kind of failure (the ErrorRecord's category).</summary>
    public FailureKind Kind { get; }

    /// <summary>What the user should do next, or null when there is nothing specific.</summary>
    public string? RecommendedAction { get; }
}
