namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>The resources of a deployed stack that the order cmdlets use, read from the stack's outputs.</summary>
internal sealed record OrderStackResources(
    string StackName,
    string Environment,
    string TableName,
    string? StreamArn,
    string AuditBucketName,
    string TopicArn,
    string? FailureQueueUrl,
    string? FailedBatchesBucketName = null,
    string? ProcessorTrigger = null,
    string? AlertDetail = null,
    string? DigestSigningKeyArn = null,
    string? RepairSigningKeyArn = null,
    string? AuditObjectLockMode = null,
    int? DigestSealIntervalMinutes = null)
{
    /// <summary>The stack's <c>DigestSealSchedule</c> output (the stack seals its digests on this schedule); null for a stack that does not seal.</summary>
    public string? DigestSealSchedule { get; init; }
}

/// <summary>Finds a stack's resources; throws <see cref="Shell.OrderMonitoringException"/> (StackNotFound) when it does not exist.</summary>
internal interface IOrderStackResolver
{
    /// <summary>The resources of <paramref name="stackName"/>.</summary>
    Task<OrderStackResources> ResolveAsync(string stackName, string environment, CancellationToken cancellationToken);
}
