namespace OrderMonitoring.Processor.Template;

/// <summary>
/// The names and numbers of templates/order-monitoring.json that C# depends on, in one place. The template is the
/// source; <c>TemplateContractTests</c> fails when a constant here and the template disagree, in both directions.
/// </summary>
public static class TemplateContract
{
    /// <summary>The template's parameters (every one is passed on deploy).</summary>
    public static class Parameters
    {
        public const string EnvironmentSuffix = "EnvironmentSuffix";
        public const string ProcessorCodeBucket = "ProcessorCodeBucket";
        public const string ProcessorCodeKey = "ProcessorCodeKey";

        /// <summary>The zip's S3 object version: the function runs this version whatever is written to the key later.</summary>
        public const string ProcessorCodeVersion = "ProcessorCodeVersion";

        /// <summary>An AWS Lambda code signing configuration for the function; empty for none.</summary>
        public const string CodeSigningConfigArn = "CodeSigningConfigArn";
        public const string ProcessorTrigger = "ProcessorTrigger";
        public const string ProcessorArchitecture = "ProcessorArchitecture";
        public const string StreamBatchSize = "StreamBatchSize";
        public const string StreamMaximumBatchingWindowInSeconds = "StreamMaximumBatchingWindowInSeconds";
        public const string StreamParallelizationFactor = "StreamParallelizationFactor";
        public const string AlertEmail = "AlertEmail";
        public const string AuditObjectLockMode = "AuditObjectLockMode";
        public const string AuditObjectLockDays = "AuditObjectLockDays";
        public const string AuditBucketSource = "AuditBucketSource";
        public const string FailedBatchesBucketSource = "FailedBatchesBucketSource";
        public const string OrderTableSource = "OrderTableSource";

        /// <summary>With <see cref="OrderTableSource"/> Existing: the kept table's stream ARN, which its name does not give.</summary>
        public const string OrderTableStreamArn = "OrderTableStreamArn";
        public const string AlertDetail = "AlertDetail";
        public const string ProcessorLogRetentionDays = "ProcessorLogRetentionDays";

        /// <summary>An existing KMS signing key (ECC_NIST_P256, SIGN_VERIFY) for digests; empty makes the stack create one.</summary>
        public const string DigestSigningKeyArn = "DigestSigningKeyArn";

        /// <summary>An existing KMS signing key (ECC_NIST_P256, SIGN_VERIFY) for repair records; empty makes the stack create one.</summary>
        public const string RepairSigningKeyArn = "RepairSigningKeyArn";

        /// <summary>Minutes between two seals the schedule writes (<see cref="Seals"/> gives the default and the bounds).</summary>
        public const string DigestSealIntervalMinutes = "DigestSealIntervalMinutes";

        /// <summary>EnvironmentSuffix's AllowedPattern (lower-case: the environment is part of bucket names).</summary>
        public const string EnvironmentSuffixPattern = "^[a-z0-9]+$";

        /// <summary>
        /// EnvironmentSuffix's MaxLength, the same in every region: what the failed-batches bucket's name
        /// (<see cref="FailedBatchesBucket"/>) leaves of S3's 63 characters in the regions with the longest names (14 characters).
        /// </summary>
        public const int EnvironmentSuffixMaxLength = 14;
    }

    /// <summary>
    /// The AllowedValues of AuditBucketSource, FailedBatchesBucketSource and OrderTableSource: whether the stack creates
    /// a retained resource or uses the one an earlier deployment of the environment kept (conditions
    /// <c>CreatesAuditBucket</c>, <c>CreatesFailedBatchesBucket</c>, <c>CreatesOrderTable</c>).
    /// </summary>
    public static class BucketSources
    {
        /// <summary>The stack creates its buckets (the default).</summary>
        public const string New = "New";

        /// <summary>The buckets were kept (Retain) from an earlier deployment; the stack refers to them by name.</summary>
        public const string Existing = "Existing";
    }

    /// <summary>AuditObjectLockMode's AllowedValues (S3's retention modes, upper case as S3 spells them) and AuditObjectLockDays' default.</summary>
    public static class ObjectLockModes
    {
        /// <summary>No Object Lock (the default).</summary>
        public const string None = "None";

        /// <summary>Users with s3:BypassGovernanceRetention may still delete a locked version.</summary>
        public const string Governance = "GOVERNANCE";

        /// <summary>No one, not even the root user, may delete a locked version or shorten its retention.</summary>
        public const string Compliance = "COMPLIANCE";

        /// <summary>AuditObjectLockDays' default.</summary>
        public const int DefaultDays = 365;
    }

    /// <summary>AlertDetail's AllowedValues, the names of <see cref="Alerts.AlertDetail"/>.</summary>
    public static class AlertDetails
    {
        /// <summary>The default: order id, statuses, event type and time, audit key.</summary>
        public const string Summary = nameof(Alerts.AlertDetail.Summary);

        /// <summary>The whole audit record, the order's images included.</summary>
        public const string Full = nameof(Alerts.AlertDetail.Full);
    }

    /// <summary>ProcessorArchitecture's AllowedValues (Lambda's names), the first the default.</summary>
    public static class Architectures
    {
        public const string Arm64 = "arm64";
        public const string X86_64 = "x86_64";

        public static readonly IReadOnlyList<string> All = [Arm64, X86_64];
    }

    /// <summary>
    /// The seal schedule (an EventBridge rule invoking the processor with <see cref="Input"/>): DigestSealIntervalMinutes'
    /// default and bounds.
    /// </summary>
    public static class Seals
    {
        public const int DefaultIntervalMinutes = 60;
        public const int MinIntervalMinutes = 5;
        public const int MaxIntervalMinutes = 1440;

        /// <summary>The rule's constant input: the processor writes a seal instead of reading a stream event.</summary>
        public const string Input = """{"orderMonitoring":"seal"}""";
    }

    /// <summary>The event source mapping's defaults (the template's parameter defaults).</summary>
    public static class StreamMapping
    {
        public const int BatchSize = 100;
        public const int MaximumBatchingWindowInSeconds = 1;
        public const int ParallelizationFactor = 1;
    }

    /// <summary>ProcessorTrigger's AllowedValues.</summary>
    public static class ProcessorTriggers
    {
        /// <summary>The table's stream triggers the function (the default).</summary>
        public const string Lambda = "Lambda";

        /// <summary>No event source mapping: a processor outside Lambda reads the stream.</summary>
        public const string External = "External";
    }

    /// <summary>Every output key of the template.</summary>
    public static class Outputs
    {
        public const string TableName = "OrderEventsTableName";
        public const string TableArn = "OrderEventsTableArn";
        public const string StreamArn = "OrderEventsTableStreamArn";
        public const string AuditBucketName = "AuditLogsBucketName";
        public const string AuditBucketArn = "AuditLogsBucketArn";
        public const string FunctionName = "OrderProcessorLambdaName";
        public const string FunctionArn = "OrderProcessorLambdaArn";
        public const string TopicArn = "OrderAlertsTopicArn";
        public const string OperationsTopicArn = "OperationsTopicArn";
        public const string AccessLogsBucketName = "AccessLogsBucketName";
        public const string ErrorAlarmName = "LambdaErrorAlarmName";
        public const string StackName = "StackName";
        public const string EnvironmentSuffix = "EnvironmentSuffix";
        public const string FailureQueueUrl = "FailureQueueUrl";
        public const string FailureQueueArn = "FailureQueueArn";
        public const string FailedBatchesBucketName = "FailedBatchesBucketName";
        public const string AlertsKeyArn = "AlertsKeyArn";
        public const string DashboardName = "DashboardName";
        public const string ProcessorTrigger = "ProcessorTrigger";

        /// <summary>The KMS key that signs digests (the stack's own, or the one passed in).</summary>
        public const string DigestSigningKeyArn = "DigestSigningKeyArn";

        /// <summary>The KMS key that signs repair records (the stack's own, or the one passed in).</summary>
        public const string RepairSigningKeyArn = "RepairSigningKeyArn";

        /// <summary>The EventBridge rule (its name) that invokes the processor to write a seal every DigestSealIntervalMinutes; a stack without it does not seal.</summary>
        public const string DigestSealSchedule = "DigestSealSchedule";

        /// <summary>
        /// Outputs whose value is <c>{"Ref": resource}</c>, so the resource's physical id can stand in for a missing
        /// output (table name, bucket name, topic ARN, function name, queue URL, dashboard name, alarm name).
        /// </summary>
        public static IReadOnlyDictionary<string, string> ResourceBehind { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TableName] = Resources.Table,
            [AuditBucketName] = Resources.AuditBucket,
            [TopicArn] = Resources.Topic,
            [FunctionName] = Resources.Function,
            [FailureQueueUrl] = Resources.FailureQueue,
            [FailedBatchesBucketName] = Resources.FailedBatchesBucket,
            [DashboardName] = Resources.Dashboard,
            [ErrorAlarmName] = Alarms.ErrorRate.LogicalId,
            [DigestSealSchedule] = Resources.DigestSealSchedule,
        };
    }

    /// <summary>Logical ids of the resources C# looks up in a stack.</summary>
    public static class Resources
    {
        public const string Table = "OrderEventsTable";
        public const string AuditBucket = "AuditLogsBucket";
        public const string Topic = "OrderAlertsTopic";
        public const string Function = "OrderProcessorLambda";
        public const string FailureQueue = "FailureQueue";
        public const string FailedBatchesBucket = "FailedBatchesBucket";
        public const string Dashboard = "MonitoringDashboard";

        /// <summary>The digest signing key the stack creates when no DigestSigningKeyArn is passed.</summary>
        public const string DigestSigningKey = "DigestSigningKey";

        /// <summary>The repair signing key the stack creates when no RepairSigningKeyArn is passed.</summary>
        public const string RepairSigningKey = "RepairSigningKey";

        /// <summary>The EventBridge rule that invokes the processor with <see cref="Seals.Input"/>.</summary>
        public const string DigestSealSchedule = "DigestSealSchedule";
    }

    /// <summary>The order events table: its name, its key and index attributes and the status index.</summary>
    public static class Table
    {
        /// <summary>The table's name is this prefix and the environment: fixed, so a kept table is found again.</summary>
        public const string NamePrefix = "order-events-";

        public const string OrderIdAttribute = "orderId";
        public const string TimestampAttribute = "timestamp";
        public const string StatusAttribute = "status";

        /// <summary>The global secondary index on (status, timestamp).</summary>
        public const string StatusIndexName = "status-timestamp-index";
    }

    /// <summary>
    /// The audit bucket's name is <c>order-audit-logs-&lt;environment&gt;-&lt;account id&gt;-&lt;region&gt;</c>: S3's
    /// 63-character limit therefore bounds the environment's length.
    /// </summary>
    public static class AuditBucket
    {
        public const string NamePrefix = "order-audit-logs-";
    }

    /// <summary>
    /// The failed-batches bucket's name is <c>order-failed-batches-&lt;environment&gt;-&lt;account id&gt;-&lt;region&gt;</c>:
    /// the longest retained bucket name, so it is the one that bounds the environment's length.
    /// </summary>
    public static class FailedBatchesBucket
    {
        public const string NamePrefix = "order-failed-batches-";
    }

    /// <summary>The environment variables the template gives the processor function.</summary>
    public static class FunctionVariables
    {
        public const string AuditBucketName = "AUDIT_BUCKET_NAME";
        public const string TopicArn = "SNS_TOPIC_ARN";
        public const string EnvironmentSuffix = "ENVIRONMENT_SUFFIX";
        public const string LogLevel = "LOG_LEVEL";
        public const string MaxConcurrency = "MAX_CONCURRENCY";
        public const string FunctionTimeoutSeconds = "FUNCTION_TIMEOUT_SECONDS";
        public const string AlertDetail = "ALERT_DETAIL";

        /// <summary>The KMS key that signs digests: the stack's own key, or the one <see cref="Parameters.DigestSigningKeyArn"/> names.</summary>
        public const string DigestSigningKeyId = "DIGEST_SIGNING_KEY_ID";

        /// <summary>The seal schedule's interval in minutes (<see cref="Parameters.DigestSealIntervalMinutes"/>): each seal says when the next is due.</summary>
        public const string DigestSealIntervalMinutes = "DIGEST_SEAL_INTERVAL_MINUTES";
    }

    /// <summary>
    /// Every CloudWatch alarm of the template: logical id, name prefix (the name is the prefix plus the environment) and
    /// the threshold the health check judges by.
    /// </summary>
    public static class Alarms
    {
        /// <summary>Every alarm's name starts with this and ends with <c>-&lt;environment&gt;</c>.</summary>
        public const string NamePrefix = "order-processor-";

        /// <summary>The error rate, in percent of invocations (metric math over AWS/Lambda Errors and Invocations).</summary>
        public static readonly AlarmContract ErrorRate = new("LambdaErrorAlarm", "order-processor-errors-", Threshold: 5);
        /// <summary>The stream lag in milliseconds (AWS/Lambda IteratorAge, maximum).</summary>
        public static readonly AlarmContract IteratorAge = new("IteratorAgeAlarm", "order-processor-iterator-age-", Threshold: 300_000);
        public static readonly AlarmContract RecordsFailed = new("RecordsFailedAlarm", "order-processor-records-failed-", Threshold: 0);
        public static readonly AlarmContract RecordsQuarantined = new("RecordsQuarantinedAlarm", "order-processor-records-quarantined-", Threshold: 0);
        /// <summary>Stream batches waiting in the failure queue.</summary>
        public static readonly AlarmContract FailureQueue = new("FailureQueueAlarm", "order-processor-failure-queue-", Threshold: 0);

        /// <summary>Lambda could not deliver a failed batch to the on-failure destination (AWS/Lambda DestinationDeliveryFailures).</summary>
        public static readonly AlarmContract DestinationDeliveryFailures = new("DestinationDeliveryFailuresAlarm", "order-processor-destination-delivery-failures-", Threshold: 0);
        /// <summary>SNS could not deliver order alerts (AWS/SNS NumberOfNotificationsFailed of the alerts topic).</summary>
        public static readonly AlarmContract AlertDeliveryFailures = new("AlertDeliveryFailuresAlarm", "order-processor-alert-delivery-failures-", Threshold: 0);
        /// <summary>SNS could not deliver operations notifications (reported on the order alerts topic, the other path).</summary>
        public static readonly AlarmContract OperationsDeliveryFailures = new("OperationsDeliveryFailuresAlarm", "order-processor-operations-delivery-failures-", Threshold: 0);
        /// <summary>Orders written while the processor is not invoked (a disabled or missing event source mapping); ProcessorTrigger=Lambda only.</summary>
        public static readonly AlarmContract StreamNotConsumed = new("StreamNotConsumedAlarm", "order-processor-stream-not-consumed-", Threshold: 0);

        public static IReadOnlyList<AlarmContract> All { get; } = new[]
        {
            ErrorRate, IteratorAge, RecordsFailed, RecordsQuarantined, FailureQueue,
            DestinationDeliveryFailures, AlertDeliveryFailures, OperationsDeliveryFailures, StreamNotConsumed,
        };
    }

    /// <summary>The processor's own metrics (CloudWatch Embedded Metric Format), read by the alarms and the dashboard.</summary>
    public static class ProcessorMetrics
    {
        public const string Namespace = "OrderMonitoring";
        public const string EnvironmentDimension = "Environment";

        public const string RecordsProcessed = "RecordsProcessed";
        public const string AuditObjectsWritten = "AuditObjectsWritten";
        public const string AlertsPublished = "AlertsPublished";
        public const string RecordsQuarantined = "RecordsQuarantined";
        public const string RecordsFailed = "RecordsFailed";
        public const string ProcessingLagMs = "ProcessingLagMs";

        public static IReadOnlyList<string> All { get; } = new[]
        {
            RecordsProcessed, AuditObjectsWritten, AlertsPublished, RecordsQuarantined, RecordsFailed, ProcessingLagMs,
        };
    }

    /// <summary>The AWS/Lambda metrics of the processor function that the alarms, the dashboard and the health check read.</summary>
    public static class LambdaMetrics
    {
        public const string Namespace = "AWS/Lambda";
        public const string FunctionNameDimension = "FunctionName";
        public const string Invocations = "Invocations";
        public const string Errors = "Errors";
        public const string IteratorAge = "IteratorAge";
    }
}

/// <summary>One alarm of the template.</summary>
/// <param name="LogicalId">The resource's logical id.</param>
/// <param name="NamePrefix">The alarm's name without the environment at its end.</param>
/// <param name="Threshold">The alarm fires when its metric is greater than this.</param>
public sealed record AlarmContract(string LogicalId, string NamePrefix, double Threshold);
