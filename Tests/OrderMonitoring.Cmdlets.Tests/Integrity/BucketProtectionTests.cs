using OrderMonitoring.Cmdlets.Integrity;

namespace OrderMonitoring.Cmdlets.Tests.Integrity;

/// <summary>BucketUnprotected: versioning, Object Lock and the template's Deny statements.</summary>
public sealed class BucketProtectionTests
{
    private static readonly string Policy = AuditBucketPolicyTemplate.For("audit");

    [Fact]
    public void The_checked_Deny_statements_are_the_templates()
    {
        Assert.Equal(AuditBucketPolicyTemplate.DenySids().OrderBy(s => s, StringComparer.Ordinal), BucketProtection.DenySids.OrderBy(s => s, StringComparer.Ordinal));
    }

    [Fact]
    public void A_bucket_as_the_stack_made_it_is_protected()
    {
        Assert.Empty(BucketProtection.Judge("audit", new BucketProtectionState("Enabled", ObjectLockEnabled: true, Policy), "GOVERNANCE"));
        Assert.Empty(BucketProtection.Judge("audit", new BucketProtectionState("Enabled", ObjectLockEnabled: false, Policy), null));
    }

    [Theory]
    [InlineData("Suspended")]
    [InlineData(null)]
    public void Versioning_not_enabled_is_BucketUnprotected(string? status)
    {
        var finding = Assert.Single(BucketProtection.Judge("audit", new BucketProtectionState(status, false, Policy), null));
        Assert.Equal(AuditFindingKind.BucketUnprotected, finding.Kind);
        Assert.Contains("versioning", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_lost_protection_is_named_in_one_finding()
    {
        var finding = Assert.Single(BucketProtection.Judge("audit", new BucketProtectionState("Suspended", false, null), "GOVERNANCE"));
        Assert.Contains("versioning", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("Object Lock", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("DenyInsecureTransport", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_Lock_the_stack_asked_for_and_the_bucket_lacks_is_BucketUnprotected()
    {
        var finding = Assert.Single(BucketProtection.Judge("audit", new BucketProtectionState("Enabled", false, Policy), "COMPLIANCE"));
        Assert.Contains("Object Lock", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_without_the_stacks_denies_is_BucketUnprotected_naming_them()
    {
        var withoutTls = Policy.Replace("\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\"", "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\"", StringComparison.Ordinal);
        Assert.NotEqual(Policy, withoutTls);

        Assert.Contains("DenyInsecureTransport", Assert.Single(BucketProtection.Judge("audit", new BucketProtectionState("Enabled", false, withoutTls), null)).Detail,
            StringComparison.Ordinal);
        Assert.Contains("DenyEncryptionOtherThanTheBucketDefault", Assert.Single(BucketProtection.Judge("audit", new BucketProtectionState("Enabled", false, null), null)).Detail,
            StringComparison.Ordinal);
    }
}
