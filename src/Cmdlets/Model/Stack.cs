namespace OrderMonitoring;

/// <summary>One deployed order-monitoring stack: its state and the names of everything it created.</summary>
public sealed class Stack
{
    /// <summary>CloudFormation stack name, e.g. order-monitoring-dev.</summary>
    public string StackName { get; init; } = "";

    /// <summary>CloudFormation stack id (an ARN).</summary>
    public string StackId { get; init; } = "";

    /// <summary>CloudFormation status, e.g. CREATE_COMPLETE.</summary>
    public string Status { get; init; } = "";

    /// <summary>CloudFormation's reason for the status, when it gives one.</summary>
    public string? StatusReason { get; init; }

    /// <summary>Environment suffix the stack was deployed with.</summary>
    public string Environment { get; init; } = "";

    /// <summary>Region of the stack.</summary>
    public string Region { get; init; } = "";

    /// <summary>The order events table.</summary>
    public string? TableName { get; init; }

    /// <summary>The table's stream ARN.</summary>
    public string? StreamArn { get; init; }

    /// <summary>The versioned, encrypted audit bucket (retained when the stack is removed).</summary>
    public string? AuditBucketName { get; init; }

    /// <summary>The SNS topic for failed-order alerts.</summary>
    public string? TopicArn { get; init; }

    /// <summary>The processor Lambda function.</summary>
    public string? FunctionName { get; init; }

    /// <summary>The queue that receives stream batches the processor could not handle.</summary>
    public string? FailureQueueUrl { get; init; }

    /// <summary>The bucket keeping whole stream batches the processor gave up on (retained when the stack is removed); null on stacks older than it.</summary>
    public string? FailedBatchesBucketName { get; init; }

    /// <summary>The CloudWatch dashboard.</summary>
    public string? DashboardName { get; init; }

    /// <summary>Lambda (the stream triggers the function) or External (the processor runs elsewhere).</summary>
    public string? ProcessorTrigger { get; init; }

    /// <summary>What order alerts carry: Summary or Full (the template parameter AlertDetail); null on stacks older than it.</summary>
    public string? AlertDetail { get; init; }

    /// <summary>The KMS key that signs the processor's digests (the stack's own, or the one passed as DigestSigningKeyArn); null on stacks older than digests.</summary>
    public string? DigestSigningKeyArn { get; init; }

    /// <summary>The KMS key that signs Repair-OrderAuditLog's repair records (the stack's own, or the one passed as RepairSigningKeyArn); null on stacks older than it.</summary>
    public string? RepairSigningKeyArn { get; init; }

    /// <summary>The EventBridge rule that makes the processor write a seal every <see cref="DigestSealIntervalMinutes"/>; null on stacks older than seals.</summary>
    public string? DigestSealSchedule { get; init; }

    /// <summary>Minutes between two scheduled seals (the template parameter DigestSealIntervalMinutes); null on stacks older than seals.</summary>
    public int? DigestSealIntervalMinutes { get; init; }

    /// <summary>The template's AuditObjectLockMode for "no Object Lock".</summary>
    public const string NoObjectLock = "None";

    /// <summary>The Object Lock mode the stack gave its audit bucket (GOVERNANCE or COMPLIANCE), or None (the template's default).</summary>
    public string AuditObjectLockMode { get; init; } = NoObjectLock;

    /// <summary>When the stack was created (UTC).</summary>
    public DateTime? CreationTime { get; init; }

    /// <summary>When the stack was last updated (UTC); the creation time if never updated.</summary>
    public DateTime? LastUpdatedTime { get; init; }

    /// <summary>Every stack output, by key.</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; init; } = new Dictionary<string, string>();

    /// <summary>Name and status, for logs.</summary>
    public override string ToString() => $"{StackName} ({Status})";
}
