using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using OrderMonitoring.Cmdlets.Foundation;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>What <c>kms:DescribeKey</c> says about a key (the parts a signing key is judged by).</summary>
internal sealed record SigningKeyFacts(string Arn, string KeySpec, string KeyUsage, string KeyState);

/// <summary>What <c>kms:GetPublicKey</c> returns: the key's kind and its public key as DER SubjectPublicKeyInfo.</summary>
internal sealed record SigningPublicKey(string Arn, string KeySpec, string KeyUsage, byte[] SubjectPublicKeyInfo);

/// <summary>The KMS calls about the stack's signing keys; failures are <see cref="OrderMonitoringException"/>s naming the key.</summary>
internal interface ISigningKeyStore
{
    Task<SigningKeyFacts> DescribeAsync(string keyArn, string role, CancellationToken cancellationToken);

    Task<SigningPublicKey> GetPublicKeyAsync(string keyArn, string role, CancellationToken cancellationToken);
}

/// <summary><see cref="ISigningKeyStore"/> over the SDK's KMS client.</summary>
internal sealed class KmsSigningKeyStore : ISigningKeyStore
{
    private readonly IAmazonKeyManagementService _kms;

    public KmsSigningKeyStore(IAmazonKeyManagementService kms) => _kms = kms;

    public async Task<SigningKeyFacts> DescribeAsync(string keyArn, string role, CancellationToken cancellationToken)
    {
        try
        {
            var key = (await _kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyArn }, cancellationToken).ConfigureAwait(false)).KeyMetadata;
            return new SigningKeyFacts(key.Arn ?? keyArn, key.KeySpec?.Value ?? "", key.KeyUsage?.Value ?? "", key.KeyState?.Value ?? "");
        }
        catch (AmazonServiceException error) when (SigningKeyErrors.Explain(error, keyArn, role, "kms:DescribeKey") is { } explained)
        {
            throw explained;
        }
    }

    public async Task<SigningPublicKey> GetPublicKeyAsync(string keyArn, string role, CancellationToken cancellationToken)
    {
        try
        {
            var key = await _kms.GetPublicKeyAsync(new GetPublicKeyRequest { KeyId = keyArn }, cancellationToken).ConfigureAwait(false);
            return new SigningPublicKey(key.KeyId ?? keyArn, key.KeySpec?.Value ?? "", key.KeyUsage?.Value ?? "", key.PublicKey?.ToArray() ?? Array.Empty<byte>());
        }
        catch (AmazonServiceException error) when (SigningKeyErrors.Explain(error, keyArn, role, "kms:GetPublicKey") is { } explained)
        {
            throw explained;
        }
    }
}

/// <summary>The judgement of a key as a signing key, the same for a deployment and an export.</summary>
internal static class SigningKeyJudgement
{
    /// <summary>kms:DescribeKey, refused (SigningKeyUnsuitable, SigningKeyNotEnabled) unless an enabled ECC_NIST_P256 SIGN_VERIFY key.</summary>
    public static async Task<SigningKeyFacts> DescribeSigningKeyAsync(this ISigningKeyStore keys, string keyArn, string role, CancellationToken cancellationToken)
    {
        var key = await keys.DescribeAsync(keyArn, role, cancellationToken).ConfigureAwait(false);
        if (key.KeySpec != SigningKeyErrors.RequiredSpec || key.KeyUsage != SigningKeyErrors.RequiredUsage)
        {
            throw SigningKeyErrors.Unsuitable(keyArn, role, $"it is a {Named(key.KeySpec)} key for {Named(key.KeyUsage)}");
        }

        if (key.KeyState != "Enabled")
        {
            throw new OrderMonitoringException(SigningKeyErrors.NotEnabled, FailureKind.InvalidState, $"The {role.ToLowerInvariant()} signing key {keyArn} is {Named(key.KeyState)}, so it cannot sign.",
                "Enable the key (aws kms enable-key), or cancel its deletion, or name another key.");
        }

        return key;
    }

    private static string Named(string value) => value.Length > 0 ? value : "unknown";
}

/// <summary>The errors about a signing key, with stable ids (documented in the help of New-OrderMonitoringStack and Export-OrderAuditSigningKey).</summary>
internal static class SigningKeyErrors
{
    /// <summary>The key is not an ECC_NIST_P256 SIGN_VERIFY key (a symmetric key, an RSA key, an encryption key).</summary>
    public const string UnsuitableId = "SigningKeyUnsuitable";

    /// <summary>The key is disabled, pending deletion or otherwise unusable.</summary>
    public const string NotEnabled = "SigningKeyNotEnabled";

    public const string NotFound = "SigningKeyNotFound";

    public const string AccessDenied = "SigningKeyAccessDenied";

    /// <summary>One key would sign both digests and repair records.</summary>
    public const string NotSeparate = "SigningKeysNotSeparate";

    public const string RequiredSpec = "ECC_NIST_P256";

    public const string RequiredUsage = "SIGN_VERIFY";

    /// <summary>The KMS error as the module's, or null for one that is not about the key (throttling, a server error).</summary>
    public static OrderMonitoringException? Explain(AmazonServiceException error, string keyArn, string role, string action) => error.ErrorCode switch
    {
        "NotFoundException" => new(NotFound, FailureKind.NotFound, $"The {role.ToLowerInvariant()} signing key {keyArn} does not exist ({action}: {error.Message}).",
            "Check the ARN (a key ARN, arn:aws:kms:<region>:<account>:key/<id>, in the stack's region); a key in another account must allow this caller in its key policy.", error),
        "AccessDeniedException" => new(AccessDenied, FailureKind.PermissionDenied, $"This caller may not use {action} on the {role.ToLowerInvariant()} signing key {keyArn} ({error.Message}).",
            $"Grant {action} on the key to this caller (for a key in a security account: in the key policy there and in this account's IAM policy).", error),
        "UnsupportedOperationException" or "InvalidKeyUsageException" => Unsuitable(keyArn, role, error.Message, error),
        "DisabledException" or "KMSInvalidStateException" => new(NotEnabled, FailureKind.InvalidState, $"The {role.ToLowerInvariant()} signing key {keyArn} is not usable: {error.Message}.",
            "Enable the key (aws kms enable-key), or cancel its deletion, or name another key.", error),
        _ => null,
    };

    public static OrderMonitoringException Unsuitable(string keyArn, string role, string what, Exception? inner = null) =>
        new(UnsuitableId, FailureKind.InvalidArgument,
            $"The {role.ToLowerInvariant()} signing key {keyArn} cannot sign {(role == SigningKeyRoles.Digest ? "digests" : "repair records")}: {what}. It must be an asymmetric {RequiredSpec} key with key usage {RequiredUsage}.",
            $"Create one with 'aws kms create-key --key-spec {RequiredSpec} --key-usage {RequiredUsage}' and pass its ARN, or omit the parameter so the stack creates and keeps its own.", inner);
}

/// <summary>The two signing keys of a stack, by the role an output object and a message name them.</summary>
internal static class SigningKeyRoles
{
    /// <summary>Signs the processor's digests (the processor role alone may sign).</summary>
    public const string Digest = "Digest";

    /// <summary>Signs Repair-OrderAuditLog's repair records (operators may sign; the processor never).</summary>
    public const string Repair = "Repair";
}
