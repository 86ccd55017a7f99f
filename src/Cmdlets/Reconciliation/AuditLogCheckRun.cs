using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;
using OrderMonitoring.Cmdlets.Stacks;
using OrderMonitoring.Processor.Digests;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>What both reconciliation cmdlets ask for: which orders, which window, whether to forgive pending records.</summary>
internal sealed record AuditLogCheckRequest(IReadOnlyList<string>? OrderIds, DateTimeOffset? Since, DateTimeOffset? Until, bool IgnorePending)
{
    /// <summary>A PEM file with the digest key's public key (instead of kms:GetPublicKey on the stack's key).</summary>
    public string? PublicKeyPath { get; init; }

    /// <summary>A PEM file with the repair key's public key (instead of kms:GetPublicKey on the stack's repair key).</summary>
    public string? RepairPublicKeyPath { get; init; }

    /// <summary>One part of a whole check (-Segment/-TotalSegments); null for the whole.</summary>
    public CheckPart? Part { get; init; }
}

/// <summary>Runs a check against a deployed stack: reads the stream first when pending records are to be forgiven.</summary>
internal static class AuditLogCheckRun
{
    public static async Task<CheckOutcome> RunAsync(ReconciliationServices services, OrderStackResources stack, AuditLogCheckRequest request,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        PendingChanges? pending = null;
        if (request.IgnorePending)
        {
            if (string.IsNullOrEmpty(stack.StreamArn))
            {
                throw new OrderMonitoringException("StreamNotFound", FailureKind.InvalidState,
                    $"-IgnorePending reads the table's stream, but stack {stack.StackName} names none.",
                    "Run without -IgnorePending, or check the stack's outputs with Get-OrderMonitoringStack.");
            }

            reporter.Progress(new OperationProgress(1, "Checking the audit log", "reading the records still in the stream"));
            pending = await services.Pending().ReadAsync(stack.StreamArn!, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"{pending.Records} record(s) are in the table's stream; findings they explain are not reported.");
        }

        var created = await services.TableCreatedAsync(stack.TableName, cancellationToken).ConfigureAwait(false);
        var scope = new CheckScope(request.Since, request.Until, pending, created);
        var part = request.OrderIds is null ? request.Part : null;
        VerifiedTrail? verified = null;
        var bucketFindings = new List<CheckedFinding>();
        if (await KeysAsync(services.PublicKeys(), stack, request, reporter, cancellationToken).ConfigureAwait(false) is { } keys)
        {
            reporter.Progress(new OperationProgress(1, "Checking the audit log", "verifying the digests"));
            verified = await services.Verifier(keys).VerifyAsync(stack.AuditBucketName, new VerificationPeriod(request.Since, request.Until),
                SealScheduleOf(stack), cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"Verified {verified.DigestsRead} digest(s) listing {verified.Index.DigestedKeys} object(s) and {verified.SealsRead} seal(s): "
                + $"{verified.Findings.Count} finding(s) on the digests and seals.");
            foreach (var gap in verified.AcknowledgedGaps)
            {
                reporter.Verbose(gap.Describe());
            }

            if (part?.OwnsTrailWide != false)
            {
                var protection = await services.BucketProtection().ReadAsync(stack.AuditBucketName, cancellationToken).ConfigureAwait(false);
                bucketFindings.AddRange(BucketProtection.Judge(stack.AuditBucketName, protection, stack.AuditObjectLockMode).Select(f => TrailFindings.ToChecked(f, "", null)));
            }
        }

        var outcome = await services.Checker().CheckAsync(new CheckRequest(stack.TableName, stack.AuditBucketName, request.OrderIds, scope, verified, part), reporter,
            cancellationToken).ConfigureAwait(false);
        outcome = outcome with { Findings = bucketFindings.Concat(outcome.Findings).ToList(), DigestsVerified = verified?.DigestsRead,
            SealsVerified = verified?.SealsRead };
        reporter.Verbose($"Checked {outcome.Orders} order(s), {outcome.Items} item(s) and {outcome.AuditObjects} audit object(s) in {outcome.Duration.TotalSeconds:0.0} s: "
            + $"{outcome.Findings.Count} finding(s), {outcome.PendingIgnored} explained by pending stream records.");
        return outcome with { TableCreated = created };
    }

    /// <summary>
    /// The public keys to verify with: from the PEM files when given, else from the stack's keys through
    /// kms:GetPublicKey. Null (nothing verified, a warning says why) for a stack older than digests, or when KMS
    /// cannot give the key's public key (no permission, not an asymmetric key): then -PublicKeyPath is the way.
    /// </summary>
    private static async Task<VerificationKeys?> KeysAsync(IPublicKeySource kms, OrderStackResources stack, AuditLogCheckRequest request, IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        var digests = request.PublicKeyPath is { } path
            ? PublicKeyFile.Verifier(path, "-PublicKeyPath")
            : await FromKmsAsync(kms, stack.DigestSigningKeyArn, "digest", reporter, cancellationToken).ConfigureAwait(false);
        if (digests is null)
        {
            return null;
        }

        var repairs = request.RepairPublicKeyPath is { } repairPath
            ? PublicKeyFile.Verifier(repairPath, "-RepairPublicKeyPath")
            : await FromKmsAsync(kms, stack.RepairSigningKeyArn, "repair", reporter, cancellationToken).ConfigureAwait(false);
        return new VerificationKeys(digests, repairs);
    }

    private static async Task<DigestVerifier?> FromKmsAsync(IPublicKeySource kms, string? keyArn, string what, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var consequence = what == "digest"
            ? "the trail is compared with the table, not verified. Pass -PublicKeyPath to verify without KMS."
            : "no repair record is accepted as vouching for what it wrote. Pass -RepairPublicKeyPath.";
        if (string.IsNullOrEmpty(keyArn))
        {
            reporter.Warning($"The stack names no {what} signing key (deployed before it existed): {consequence}");
            return null;
        }

        try
        {
            return new DigestVerifier(await kms.GetPublicKeyAsync(keyArn!, cancellationToken).ConfigureAwait(false));
        }
        catch (Amazon.Runtime.AmazonServiceException refused)
        {
            reporter.Warning($"The {what} signing key's public key could not be read ({keyArn}: {refused.ErrorCode} {refused.Message}): {consequence}");
            return null;
        }
        catch (System.Security.Cryptography.CryptographicException notP256)
        {
            // A key that cannot sign digests at all (a symmetric key, or another curve): the processor's digests are unsigned then too.
            reporter.Warning($"The {what} signing key {keyArn} is not an ECC_NIST_P256 signing key ({notP256.Message}): {consequence}");
            return null;
        }
    }

    /// <summary>-Segment/-TotalSegments as one part of a whole check; only a whole check (no order ids, no window) splits.</summary>
    public static CheckPart? Part(int? segment, int? totalSegments, bool narrowed)
    {
        if (segment is null && totalSegments is null)
        {
            return null;
        }

        if (segment is not { } index || totalSegments is not { } total || index >= total)
        {
            throw new OrderMonitoringException("SegmentInvalid", FailureKind.InvalidArgument,
                $"-Segment ({segment?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}) must be given with -TotalSegments and be below it.",
                "Give both, e.g. -Segment 0 -TotalSegments 4 in the first of four jobs.");
        }

        return narrowed
            ? throw new OrderMonitoringException("SegmentInvalid", FailureKind.InvalidArgument, "-Segment splits a whole check; it cannot be combined with -OrderId, -Since or -Until.",
                "Run the whole check in segments, or a narrowed check in one job.")
            : new CheckPart(index, total);
    }

    /// <summary>
    /// Whether and how often the stack seals: its DigestSealSchedule output says that it does (null: it does not), and
    /// its DigestSealIntervalMinutes parameter how often (the output names the rule, not the interval).
    /// </summary>
    private static Integrity.SealSchedule? SealScheduleOf(OrderStackResources stack) =>
        Integrity.SealSchedule.FromOutput(stack.DigestSealSchedule is null
            ? null
            : stack.DigestSealIntervalMinutes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? stack.DigestSealSchedule);

    /// <summary>-Since/-Until as points in time, checked; PowerShell's dates are local unless they say otherwise.</summary>
    public static (DateTimeOffset? Since, DateTimeOffset? Until) Window(DateTime? since, DateTime? until)
    {
        var from = since is { } s ? ToOffset(s) : (DateTimeOffset?)null;
        var to = until is { } u ? ToOffset(u) : (DateTimeOffset?)null;
        if (from > to)
        {
            throw new OrderMonitoringException("TimeRangeInvalid", FailureKind.InvalidArgument, $"-Since ({from:o}) is after -Until ({to:o}).", "Give a -Since before -Until.");
        }

        return (from, to);
    }

    private static DateTimeOffset ToOffset(DateTime value) =>
        value.Kind == DateTimeKind.Utc ? new DateTimeOffset(value) : new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Local));
}
