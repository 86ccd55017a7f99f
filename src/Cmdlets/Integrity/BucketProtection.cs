using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrderMonitoring.Cmdlets.Integrity;

/// <summary>What the audit bucket says about its protection: versioning, Object Lock, its policy.</summary>
internal sealed record BucketProtectionState(string? VersioningStatus, bool ObjectLockEnabled, string? PolicyJson);

/// <summary>Reads the audit bucket's protection (S3 in production, fakes in tests).</summary>
internal interface IBucketProtectionSource
{
    Task<BucketProtectionState> ReadAsync(string bucketName, CancellationToken cancellationToken);
}

/// <summary>
/// Judges the audit bucket's protection against what the stack gave it: versioning Enabled (without it a delete or an
/// overwrite leaves no version behind), Object Lock when the stack asked for it, and the template's Deny statements
/// of the bucket policy. Whatever is missing is one BucketUnprotected finding (the bucket has one identity), its detail
/// naming each lost protection.
/// </summary>
internal static class BucketProtection
{
    /// <summary>The Sids of the Deny statements templates/order-monitoring.json gives the audit bucket's policy (a test holds them to the template).</summary>
    public static readonly IReadOnlyList<string> DenySids = new[] { "DenyInsecureTransport", "DenyEncryptionOtherThanTheBucketDefault" };

    public static IReadOnlyList<TrailFinding> Judge(string bucketName, BucketProtectionState state, string? objectLockMode)
    {
        var lost = new List<string>();
        if (!string.Equals(state.VersioningStatus, "Enabled", StringComparison.Ordinal))
        {
            lost.Add($"versioning of s3://{bucketName} is {state.VersioningStatus ?? "not enabled"}: a delete or an overwrite leaves no earlier version to prove or restore");
        }

        if (!string.IsNullOrEmpty(objectLockMode) && objectLockMode != Stack.NoObjectLock && !state.ObjectLockEnabled)
        {
            lost.Add($"the stack asks for Object Lock ({objectLockMode}) but s3://{bucketName} has no Object Lock configuration");
        }

        var present = DenyStatementSids(state.PolicyJson);
        var missing = DenySids.Where(sid => !present.Contains(sid)).ToList();
        if (missing.Count > 0)
        {
            lost.Add($"the bucket policy of s3://{bucketName} lacks the stack's Deny statement(s) {string.Join(", ", missing)}");
        }

        return lost.Count == 0 ? Array.Empty<TrailFinding>() : new[] { new TrailFinding(AuditFindingKind.BucketUnprotected, null, string.Join("; ", lost)) };
    }

    private static HashSet<string> DenyStatementSids(string? policyJson)
    {
        var sids = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(policyJson))
        {
            return sids;
        }

        try
        {
            using var policy = JsonDocument.Parse(policyJson!);
            if (!policy.RootElement.TryGetProperty("Statement", out var statements))
            {
                return sids;
            }

            var list = statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToList() : new List<JsonElement> { statements };
            foreach (var statement in list.Where(s => s.ValueKind == JsonValueKind.Object))
            {
                if (statement.TryGetProperty("Sid", out var sid) && sid.ValueKind == JsonValueKind.String
                    && statement.TryGetProperty("Effect", out var effect) && effect.ValueKind == JsonValueKind.String && effect.GetString() == "Deny")
                {
                    sids.Add(sid.GetString()!);
                }
            }
        }
        catch (JsonException)
        {
            // A policy that is no JSON denies nothing this check can see.
        }

        return sids;
    }
}

/// <summary><see cref="IBucketProtectionSource"/> on S3: GetBucketVersioning, GetObjectLockConfiguration, GetBucketPolicy.</summary>
internal sealed class S3BucketProtectionSource(IAmazonS3 s3) : IBucketProtectionSource
{
    public async Task<BucketProtectionState> ReadAsync(string bucketName, CancellationToken cancellationToken)
    {
        var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucketName }, cancellationToken).ConfigureAwait(false);
        var objectLock = false;
        try
        {
            var configuration = await s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucketName }, cancellationToken)
                .ConfigureAwait(false);
            objectLock = configuration.ObjectLockConfiguration?.ObjectLockEnabled == ObjectLockEnabled.Enabled;
        }
        catch (AmazonS3Exception none) when (none.ErrorCode is "ObjectLockConfigurationNotFoundError" || none.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }

        string? policy = null;
        try
        {
            policy = (await s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucketName }, cancellationToken).ConfigureAwait(false)).Policy;
        }
        catch (AmazonS3Exception none) when (none.ErrorCode is "NoSuchBucketPolicy" || none.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }

        var status = versioning.VersioningConfig?.Status?.Value;
        return new BucketProtectionState(string.IsNullOrEmpty(status) || status == "Off" ? null : status, objectLock, policy);
    }
}
