using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using OrderMonitoring.Aws.CloudFormation;
using OrderMonitoring.Cmdlets.Foundation;
using Modes = OrderMonitoring.Processor.Template.TemplateContract.ObjectLockModes;
using Names = OrderMonitoring.Processor.Template.TemplateContract.Parameters;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>An S3 Object Lock default retention: mode (GOVERNANCE, COMPLIANCE or None) and days.</summary>
internal sealed record ObjectLockSetting(string Mode, int Days)
{
    public bool IsOn => Mode != Modes.None;

    public override string ToString() => IsOn ? $"{Mode} for {Days} day(s)" : "no Object Lock";
}

/// <summary>Reads and sets a bucket's Object Lock default retention.</summary>
internal interface IBucketObjectLock
{
    /// <summary>The bucket's default retention; null when Object Lock is off or has no default rule.</summary>
    Task<ObjectLockSetting?> GetAsync(string bucket, CancellationToken cancellationToken);

    Task PutAsync(string bucket, ObjectLockSetting setting, CancellationToken cancellationToken);
}

/// <summary><see cref="IBucketObjectLock"/> through S3's Get/PutObjectLockConfiguration.</summary>
internal sealed class S3BucketObjectLock : IBucketObjectLock
{
    private readonly IAmazonS3 _s3;

    public S3BucketObjectLock(IAmazonS3 s3) => _s3 = s3;

    public async Task<ObjectLockSetting?> GetAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var rule = (await _s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false))
                .ObjectLockConfiguration?.Rule?.DefaultRetention;
            return rule?.Mode is { } mode && rule.Days is { } days ? new ObjectLockSetting(mode.Value, days) : null;
        }
        catch (AmazonS3Exception none) when (none.ErrorCode == "ObjectLockConfigurationNotFoundError")
        {
            return null;
        }
    }

    public async Task PutAsync(string bucket, ObjectLockSetting setting, CancellationToken cancellationToken)
    {
        try
        {
            await _s3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
            {
                BucketName = bucket,
                ObjectLockConfiguration = new ObjectLockConfiguration
                {
                    ObjectLockEnabled = ObjectLockEnabled.Enabled,
                    Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = new ObjectLockRetentionMode(setting.Mode), Days = setting.Days } },
                },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception refused) when (refused.ErrorCode is "InvalidBucketState" or "BucketNeedsToBeNew" or "AccessDenied")
        {
            throw new OrderMonitoringException("AuditObjectLockNotApplied", FailureKind.OperationFailed,
                $"The stack is deployed, but S3 refused to turn Object Lock ({setting}) on for the kept audit bucket {bucket}: {refused.ErrorCode}: {refused.Message}",
                refused.ErrorCode == "AccessDenied"
                    ? "Grant s3:PutBucketObjectLockConfiguration on the bucket to this caller, then run New-OrderMonitoringStack again."
                    : "Object Lock needs versioning Enabled on the bucket (aws s3api put-bucket-versioning); then run New-OrderMonitoringStack again.", refused);
        }
    }
}

/// <summary>
/// -AuditObjectLockMode / -AuditObjectLockDays. A bucket the stack creates gets them from the template
/// (ObjectLockEnabled and ObjectLockConfiguration; CloudFormation turns Object Lock on for the existing versioned bucket
/// on an update). A bucket an earlier deployment kept (AuditBucketSource=Existing) is outside the stack, so the deployment
/// sets it through S3 itself, after the stack is deployed. Nothing ever turns Object Lock off: S3 cannot.
/// </summary>
internal sealed class AuditObjectLock
{
    private readonly IBucketObjectLock _buckets;

    public AuditObjectLock(IBucketObjectLock buckets) => _buckets = buckets;

    /// <summary>The default retention the deployment's parameters ask for.</summary>
    public static ObjectLockSetting Requested(IEnumerable<Parameter> parameters)
    {
        var values = parameters.Where(p => p.ParameterKey is not null).ToDictionary(p => p.ParameterKey!, p => p.ParameterValue ?? "", StringComparer.Ordinal);
        var mode = values.TryGetValue(Names.AuditObjectLockMode, out var m) && m.Length > 0 ? m : Modes.None;
        var days = values.TryGetValue(Names.AuditObjectLockDays, out var d) && int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : Modes.DefaultDays;
        return new ObjectLockSetting(mode, days);
    }

    /// <summary>-AuditObjectLockDays alone on a stack without Object Lock would be silently ignored: refused instead.</summary>
    public static void CheckDays(DeployRequest request, IEnumerable<Parameter> parameters)
    {
        if (request.AuditObjectLockDays is not null && !Requested(parameters).IsOn)
        {
            throw new OrderMonitoringException("AuditObjectLockDaysWithoutMode", FailureKind.InvalidArgument,
                $"-AuditObjectLockDays {request.AuditObjectLockDays} has no effect: the stack has no Object Lock and -AuditObjectLockMode was not passed.",
                "Pass -AuditObjectLockMode Governance (or Compliance, which cannot be undone) with the days.");
        }
    }

    /// <summary>
    /// What the deployment would change on a kept audit bucket (<paramref name="bucket"/>; null when the stack owns its
    /// bucket, then the template decides): null when nothing.
    /// </summary>
    public async Task<(ObjectLockSetting? Current, ObjectLockSetting Wanted)?> PlannedAsync(string? bucket, IEnumerable<Parameter> parameters, CancellationToken cancellationToken)
    {
        var wanted = Requested(parameters);
        if (bucket is null || !wanted.IsOn)
        {
            return null;
        }

        var current = await _buckets.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        return current == wanted ? null : (current, wanted);
    }

    /// <summary>Sets the kept bucket's default retention when it differs from what the parameters ask for.</summary>
    public async Task ApplyAsync(string? bucket, IEnumerable<Parameter> parameters, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (await PlannedAsync(bucket, parameters, cancellationToken).ConfigureAwait(false) is not { } change)
        {
            return;
        }

        await _buckets.PutAsync(bucket!, change.Wanted, cancellationToken).ConfigureAwait(false);
        reporter.Verbose($"Object Lock of the kept audit bucket {bucket}: {change.Current?.ToString() ?? "off"} -> {change.Wanted}.");
    }
}
